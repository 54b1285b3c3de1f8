"""Ports the job framework needs: a cross-process lock, run history, checkpoints."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Protocol

from cims.domain.jobs import Checkpoint, JobRun
from cims.domain.matching import DedupResult


class JobLock(Protocol):
    """A named lock with an owner and a lease, shared by every process and host.

    A lease that was not renewed before it expired may be taken by another
    owner: that is how a lock held by a killed process frees itself.
    """

    def acquire(self, job: str, owner: str, lease: dt.timedelta) -> bool:
        """Take the lock if it is free, expired, or already ours; True if taken."""
        ...

    def renew(self, job: str, owner: str, lease: dt.timedelta) -> bool:
        """Extend our lease; False if we no longer hold the lock."""
        ...

    def release(self, job: str, owner: str) -> None:
        """Give the lock back if we hold it; otherwise do nothing."""
        ...

    def holder(self, job: str) -> str | None:
        """Who holds an unexpired lease on the job now, if anyone."""
        ...


class JobRunRepository(Protocol):
    def start(self, run: JobRun) -> None:
        """Record a run that has just started."""
        ...

    def finish(self, run: JobRun) -> None:
        """Record how a started run ended (status, end, counts, errors)."""
        ...

    def unfinished(self, job: str) -> Sequence[JobRun]:
        """Runs of `job` still recorded as running."""
        ...

    def history(self, job: str | None = None, limit: int = 50) -> Sequence[JobRun]:
        """The most recent runs first, of one job or of all."""
        ...


class CheckpointStore(Protocol):
    def get(self, job: str, input: str) -> Checkpoint | None: ...

    def save(self, checkpoint: Checkpoint) -> None:
        """Record the position committed last; replaces the one before."""
        ...

    def clear(self, job: str, input: str) -> None:
        """Forget the input once it is done, so a new input of that name starts over."""
        ...


class DuplicateReports(Protocol):
    def save(self, run_id: str, result: DedupResult) -> str:
        """Keep a dedup run's findings; return where a person can read them."""
        ...
