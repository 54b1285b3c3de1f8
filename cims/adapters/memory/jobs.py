"""In-memory job lock, run history, checkpoints and source records.

LIMITATION: the lock only excludes runners in this process, and everything
is lost on exit; use the SQL adapter to run jobs from several processes.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Sequence

import attrs

from cims.domain.jobs import Checkpoint, JobRun, JobStatus
from cims.domain.source_feeds import SourceRecord


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@attrs.frozen
class _Lease:
    owner: str
    expires_at: dt.datetime


class MemoryJobLock:
    def __init__(self, clock: Callable[[], dt.datetime] = _utc_now) -> None:
        self._now = clock
        self._mutex = threading.Lock()
        self._leases: dict[str, _Lease] = {}

    def acquire(self, job: str, owner: str, lease: dt.timedelta) -> bool:
        with self._mutex:
            now = self._now()
            held = self._leases.get(job)
            if held is not None and held.owner != owner and held.expires_at > now:
                return False
            self._leases[job] = _Lease(owner, now + lease)
            return True

    def renew(self, job: str, owner: str, lease: dt.timedelta) -> bool:
        with self._mutex:
            held = self._leases.get(job)
            if held is None or held.owner != owner:
                return False
            self._leases[job] = _Lease(owner, self._now() + lease)
            return True

    def release(self, job: str, owner: str) -> None:
        with self._mutex:
            held = self._leases.get(job)
            if held is not None and held.owner == owner:
                del self._leases[job]

    def holder(self, job: str) -> str | None:
        with self._mutex:
            held = self._leases.get(job)
            if held is None or held.expires_at <= self._now():
                return None
            return held.owner


class MemoryJobRuns:
    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._runs: dict[str, JobRun] = {}

    def start(self, run: JobRun) -> None:
        with self._mutex:
            self._runs[run.run_id] = run

    def finish(self, run: JobRun) -> None:
        with self._mutex:
            self._runs[run.run_id] = run

    def unfinished(self, job: str) -> Sequence[JobRun]:
        with self._mutex:
            return [
                run
                for run in self._runs.values()
                if run.job == job and run.status is JobStatus.RUNNING
            ]

    def history(self, job: str | None = None, limit: int = 50) -> Sequence[JobRun]:
        with self._mutex:
            runs = [run for run in self._runs.values() if job in (None, run.job)]
        runs.sort(key=lambda run: (run.started_at, run.run_id), reverse=True)
        return runs[:limit]


class MemoryCheckpoints:
    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._saved: dict[tuple[str, str], Checkpoint] = {}

    def get(self, job: str, input: str) -> Checkpoint | None:
        with self._mutex:
            return self._saved.get((job, input))

    def save(self, checkpoint: Checkpoint) -> None:
        with self._mutex:
            self._saved[(checkpoint.job, checkpoint.input)] = checkpoint

    def clear(self, job: str, input: str) -> None:
        with self._mutex:
            self._saved.pop((job, input), None)


class MemorySourceRecords:
    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self.records: dict[tuple[str, str], SourceRecord] = {}

    def get(self, source: str, source_key: str) -> SourceRecord | None:
        with self._mutex:
            return self.records.get((source, source_key))

    def put_many(self, records: Sequence[SourceRecord]) -> None:
        with self._mutex:
            for record in records:
                self.records[(record.source, record.source_key)] = record
