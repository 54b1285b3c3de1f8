"""Building job runners and sync jobs over in-memory adapters for tests."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import attrs

from cims.adapters.files.feeds import FolderInbox
from cims.adapters.memory import MemoryStore
from cims.adapters.memory.jobs import (
    MemoryCheckpoints,
    MemoryJobLock,
    MemoryJobRuns,
    MemorySourceRecords,
)
from cims.domain.source_feeds import parse_sources
from cims.ports.inbound.jobs.runner import JobContext, JobRunner
from cims.ports.inbound.jobs.sync import SyncJob
from tests.support.customers import FixedClock, SequentialIds

CRM_MAPPING: dict[str, Any] = {
    "name": "crm",
    "files": "crm-*.csv",
    "format": "csv",
    "key": "customer_no",
    "default_region": "GB",
    "columns": {
        "first_name": "firstName",
        "surname": "lastName",
        "email": "email",
        "phone": "phone",
        "birth": {"field": "dateOfBirth", "date_format": "%d/%m/%Y"},
        "street": "postalAddress.lines[0]",
        "town": "postalAddress.city",
        "country": "postalAddress.country",
    },
}
CRM_COLUMNS = ["customer_no", *CRM_MAPPING["columns"]]


@attrs.define
class MemoryJobs:
    """A runner and everything behind it, in memory, with a fixed clock."""

    clock: FixedClock = attrs.field(factory=FixedClock)
    ids: SequentialIds = attrs.field(factory=SequentialIds)
    store: MemoryStore = attrs.field(factory=MemoryStore)
    lock: MemoryJobLock = attrs.field(init=False)
    runs: MemoryJobRuns = attrs.field(factory=MemoryJobRuns)
    checkpoints: MemoryCheckpoints = attrs.field(factory=MemoryCheckpoints)
    source_records: MemorySourceRecords = attrs.field(factory=MemorySourceRecords)

    def __attrs_post_init__(self) -> None:
        self.lock = MemoryJobLock(self.clock.now)

    def runner(self, owner: str = "test-runner") -> JobRunner:
        return JobRunner(
            self.lock, self.runs, self.checkpoints, self.clock, self.ids, owner
        )

    def sync(self, inbox: Path, chunk_size: int = 3, **mapping: Any) -> SyncJob:
        return SyncJob(
            parse_sources({"sources": [{**CRM_MAPPING, **mapping}]}),
            FolderInbox(inbox),
            self.source_records,
            self.store.unit_of_work,
            self.clock,
            self.ids,
            chunk_size=chunk_size,
        )


class Stepper:
    """A job over positions 1..n that can block inside a chunk until released."""

    name = "stepper"

    def __init__(self, items: int, chunk_size: int = 2) -> None:
        self.items = items
        self.chunk_size = chunk_size
        self.seen: list[int] = []
        self.inside = threading.Event()
        self.release = threading.Event()
        self.release.set()

    def run(self, context: JobContext) -> None:
        progress = context.input("numbers", self.items)
        numbers = ((n, n) for n in range(progress.position + 1, self.items + 1))
        for chunk in progress.chunks(numbers, self.chunk_size):
            self.inside.set()
            self.release.wait(10)
            for _position, number in chunk:
                self.seen.append(number)
                progress.count("seen")
        progress.finish()


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    import csv

    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, CRM_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def crm_row(number: int, **changes: str) -> dict[str, str]:
    row = {
        "customer_no": f"C{number:05d}",
        "first_name": "Jane",
        "surname": f"Roe{'abcdefghij'[number % 10]}",
        "email": f"jane.{number}@example.com",
        "phone": "020 7946 0958",
        "birth": "03/04/1980",
        "street": f"{number} High St",
        "town": "London",
        "country": "GB",
    }
    row.update(changes)
    return row
