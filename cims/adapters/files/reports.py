"""Job reports as files in the data directory: dedup findings, cleansing logs."""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from cims.domain.cleansing import CleansingReport
from cims.domain.matching import DedupResult, PairDecision
from cims.ports.inbound.jobs.cleanse import CustomerCleansing


class FolderDuplicateReports:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def save(self, run_id: str, result: DedupResult) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"dedup-{run_id}.json"
        document = {
            "runId": run_id,
            "records": result.stats.records,
            "candidatePairs": result.stats.candidate_pairs,
            "groups": [
                {
                    "customerIds": list(group.record_ids),
                    "pairs": [_pair(pair) for pair in group.pairs],
                }
                for group in result.groups
            ],
            "possibleMatches": [_pair(pair) for pair in result.possible_matches],
        }
        path.write_text(json.dumps(document, indent=1, default=str))
        return str(path)


def _pair(pair: PairDecision) -> dict[str, object]:
    return {
        "customerIds": [pair.record_a, pair.record_b],
        "decision": pair.decision,
        "probability": round(pair.evidence.probability, 4),
        "why": pair.evidence.explain(),
    }


class FolderCleansingReports:
    """The cleanse job's log: `cleanse-<run>.jsonl` and `cleanse-<run>-summary.json`.

    One JSON object per line for every customer the run changed, flagged or
    failed to change: per field the original and the cleansed value, the
    changes made, the flags raised, whether it was applied. The files hold
    personal data, so they are created readable by their owner only.
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def append(self, run_id: str, customers: Sequence[CustomerCleansing]) -> str:
        path = self.folder / f"cleanse-{run_id}.jsonl"
        self.folder.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
            for customer in customers:
                handle.write(json.dumps(_cleansing(customer), ensure_ascii=False))
                handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        return str(path)

    def summarise(
        self, run_id: str, report: CleansingReport, counts: Mapping[str, int]
    ) -> str:
        path = self.folder / f"cleanse-{run_id}-summary.json"
        self.folder.mkdir(parents=True, exist_ok=True)
        document = {
            "runId": run_id,
            "counts": dict(counts),
            "records": report.records,
            "changes": [
                {"field": field, "change": change, "count": count}
                for field, change, count in report.changes
            ],
            "flags": [
                {"field": field, "flag": flag, "count": count}
                for field, flag, count in report.flags
            ],
            "log": f"cleanse-{run_id}.jsonl",
        }
        path.write_text(json.dumps(document, indent=1))
        return str(path)


def _cleansing(customer: CustomerCleansing) -> dict[str, object]:
    return {
        "customerId": customer.customer_id,
        "outcome": customer.outcome,
        "rulesVersion": customer.rules_version,
        "error": customer.error,
        "fields": [
            {
                "field": f.field,
                "original": _plain(f.original),
                "cleansed": _plain(f.cleansed),
                "changes": list(f.changes),
                "flags": list(f.flags),
                "applied": f.applied,
            }
            for f in customer.fields
        ],
    }


def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
