"""Batch job runs: what ran, when, how it ended, and where it got to."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping

import attrs

from cims.domain.errors import CimsError


class JobStatus(enum.Enum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    # Asked to stop; it finished its current chunk and kept its checkpoint.
    STOPPED = "stopped"
    # Its process died while running; a later run found the lock free.
    ABANDONED = "abandoned"


def _frozen_counts(counts: Mapping[str, int]) -> dict[str, int]:
    return dict(sorted(counts.items()))


@attrs.frozen
class JobRun:
    """One run of one job, as recorded in the job history."""

    run_id: str
    job: str
    owner: str
    started_at: dt.datetime
    status: JobStatus = JobStatus.RUNNING
    finished_at: dt.datetime | None = None
    counts: dict[str, int] = attrs.field(factory=dict, converter=_frozen_counts)
    errors: tuple[str, ...] = ()
    # Where a stopped or failed run got to, e.g. "crm/customers.csv line 1500".
    stopped_at: str | None = None

    @property
    def duration(self) -> dt.timedelta | None:
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    def finish(
        self,
        status: JobStatus,
        at: dt.datetime,
        counts: Mapping[str, int],
        errors: tuple[str, ...] = (),
        stopped_at: str | None = None,
    ) -> JobRun:
        return attrs.evolve(
            self,
            status=status,
            finished_at=at,
            counts=dict(counts),
            errors=errors,
            stopped_at=stopped_at,
        )


@attrs.frozen
class Checkpoint:
    """The last committed position in one input of one job, and the counts so far.

    A resumed run starts after `position` and adds to `counts`, so a run that
    was killed and resumed reports the same totals as one that was not.
    """

    job: str
    input: str
    position: int
    counts: dict[str, int] = attrs.field(factory=dict, converter=_frozen_counts)
    saved_at: dt.datetime | None = None


class JobAlreadyRunning(CimsError):
    """Another runner holds the job's lock."""

    def __init__(self, job: str, holder: str | None = None) -> None:
        self.job = job
        self.holder = holder
        held = f" (held by {holder})" if holder else ""
        super().__init__(
            f"job {job!r} is already running{held}; wait for it to finish "
            "or for its lock to expire"
        )


class JobLockLost(CimsError):
    """The lock's lease ran out mid-run and another runner may have taken it."""

    def __init__(self, job: str, owner: str) -> None:
        self.job = job
        self.owner = owner
        super().__init__(
            f"job {job!r} lost its lock (owner {owner}); a chunk took longer "
            "than the lease, so the run stopped to avoid running twice"
        )


class UnknownJob(CimsError, ValueError):
    def __init__(self, job: str, known: tuple[str, ...]) -> None:
        self.job = job
        super().__init__(f"no job named {job!r}; known jobs: {', '.join(known)}")
