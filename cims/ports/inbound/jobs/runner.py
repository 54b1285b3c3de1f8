"""The job runner: one run at a time per job, recorded, chunked, resumable, stoppable.

Every job is started through `JobRunner.run`. The runner takes the job's lock
(so a job never runs twice at once, across processes and hosts), marks runs
left "running" by a dead process as abandoned, records the new run, hands
the job a `JobContext`, and records how it ended.

A job walks each large input through `JobContext.input(...).chunks(...)`.
After the job has processed a chunk, the runner commits a checkpoint (the
last position and the counts so far), renews the lock, and, if a stop was
asked for, ends the run there as STOPPED. A later run resumes after the
checkpoint. Work inside a chunk must therefore be safe to repeat: a run
killed mid-chunk does that chunk again.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from typing import Protocol, TypeVar

from cims.domain.jobs import (
    Checkpoint,
    JobAlreadyRunning,
    JobLockLost,
    JobRun,
    JobStatus,
)
from cims.ports.outbound.clock import Clock, IdFactory
from cims.ports.outbound.jobs import CheckpointStore, JobLock, JobRunRepository

T = TypeVar("T")

DEFAULT_LEASE = dt.timedelta(minutes=5)
MAX_RECORDED_ERRORS = 100


class StopSignal(Protocol):
    """Set from outside (a signal handler, a test) to ask a run to stop."""

    def is_set(self) -> bool: ...


class NeverStop:
    def is_set(self) -> bool:
        return False


class JobObserver(Protocol):
    """Told about runs as they go: progress bars, logs, metrics."""

    def started(self, run: JobRun) -> None: ...

    def progress(self, job: str, input: str, done: int, total: int | None) -> None: ...

    def finished(self, run: JobRun) -> None: ...


class SilentObserver:
    def started(self, run: JobRun) -> None:
        pass

    def progress(self, job: str, input: str, done: int, total: int | None) -> None:
        pass

    def finished(self, run: JobRun) -> None:
        pass


class Job(Protocol):
    """A batch use case. `name` is the business name the scheduler and CLI use."""

    @property
    def name(self) -> str: ...

    def run(self, context: JobContext) -> None: ...


class JobStopped(Exception):
    """Raised between chunks when a stop was asked for; the runner catches it."""

    def __init__(self, where: str) -> None:
        self.where = where
        super().__init__(f"stopped at {where}")


class JobContext:
    """What a running job sees: counts, errors, checkpointed inputs, the stop flag."""

    def __init__(
        self,
        run: JobRun,
        runner: JobRunner,
        stop: StopSignal,
        observer: JobObserver,
    ) -> None:
        self.run = run
        self.counts: Counter[str] = Counter()
        self.errors: list[str] = []
        self.where: str | None = None
        self._runner = runner
        self._stop = stop
        self._observer = observer

    def count(self, outcome: str, amount: int = 1) -> None:
        self.counts[outcome] += amount

    def error(self, message: str) -> None:
        """Note a problem that did not end the run (kept in the run record)."""
        if len(self.errors) < MAX_RECORDED_ERRORS:
            self.errors.append(message)

    def stop_requested(self) -> bool:
        return self._stop.is_set()

    def input(self, name: str, total: int | None = None) -> InputProgress:
        """Open one input: resumes from its checkpoint, if it has one."""
        checkpoint = self._runner.checkpoints.get(self.run.job, name)
        return InputProgress(self, name, checkpoint, total)

    def commit(self, progress: InputProgress) -> None:
        runner = self._runner
        runner.checkpoints.save(
            Checkpoint(
                job=self.run.job,
                input=progress.name,
                position=progress.position,
                counts=dict(progress.counts),
                saved_at=runner.clock.now(),
            )
        )
        self.where = progress.describe()
        runner.renew(self.run)
        self._observer.progress(
            self.run.job, progress.name, progress.done, progress.total
        )
        if self._stop.is_set():
            raise JobStopped(self.where)

    def finish_input(self, progress: InputProgress) -> None:
        self._runner.checkpoints.clear(self.run.job, progress.name)


class InputProgress:
    """One input (a file, the customer table) walked in chunks with checkpoints."""

    def __init__(
        self,
        context: JobContext,
        name: str,
        checkpoint: Checkpoint | None,
        total: int | None,
    ) -> None:
        self.name = name
        self.total = total
        self.position = checkpoint.position if checkpoint else 0
        self.resumed = checkpoint is not None
        self.counts: Counter[str] = Counter(checkpoint.counts if checkpoint else {})
        self.done = sum(self.counts.values()) if checkpoint else 0
        self._context = context
        # A resumed run reports the whole input, not just what it did itself.
        context.counts.update(self.counts)

    def count(self, outcome: str, amount: int = 1) -> None:
        self.counts[outcome] += amount
        self._context.count(outcome, amount)

    def chunks(
        self, items: Iterable[tuple[int, T]], size: int
    ) -> Iterator[list[tuple[int, T]]]:
        """Yield `items` (position, item) in lists of `size`.

        The checkpoint is committed once the caller has finished with a chunk
        and asks for the next one; a stop request takes effect there.
        """
        if size < 1:
            raise ValueError(f"chunk size must be at least 1; got {size}")
        chunk: list[tuple[int, T]] = []
        for item in items:
            chunk.append(item)
            if len(chunk) == size:
                yield chunk
                self._advance(chunk)
                chunk = []
        if chunk:
            yield chunk
            self._advance(chunk)

    def finish(self) -> None:
        """The input is done: forget its checkpoint so a new one starts at 0."""
        self._context.finish_input(self)

    def describe(self) -> str:
        return f"{self.name} position {self.position}"

    def _advance(self, chunk: list[tuple[int, T]]) -> None:
        self.position = chunk[-1][0]
        self.done += len(chunk)
        self._context.commit(self)


class JobRunner:
    """Runs jobs under their lock and records every run."""

    def __init__(
        self,
        lock: JobLock,
        runs: JobRunRepository,
        checkpoints: CheckpointStore,
        clock: Clock,
        ids: IdFactory,
        owner: str,
        lease: dt.timedelta = DEFAULT_LEASE,
    ) -> None:
        self.lock = lock
        self.runs = runs
        self.checkpoints = checkpoints
        self.clock = clock
        self.ids = ids
        self.owner = owner
        self.lease = lease

    def run(
        self,
        job: Job,
        stop: StopSignal | None = None,
        observer: JobObserver | None = None,
    ) -> JobRun:
        """Run `job` now and return its finished record.

        Raises:
            JobAlreadyRunning: another runner holds the job's lock.
            Exception: whatever ended the job, after the run was recorded FAILED.
        """
        observer = observer or SilentObserver()
        if not self.lock.acquire(job.name, self.owner, self.lease):
            raise JobAlreadyRunning(job.name, self.lock.holder(job.name))
        try:
            self._abandon_stale_runs(job.name)
            run = JobRun(
                run_id=self.ids.new_id(),
                job=job.name,
                owner=self.owner,
                started_at=self.clock.now(),
            )
            self.runs.start(run)
            observer.started(run)
            finished = self._run_recorded(job, run, stop or NeverStop(), observer)
        finally:
            self.lock.release(job.name, self.owner)
        return finished

    def renew(self, run: JobRun) -> None:
        if not self.lock.renew(run.job, self.owner, self.lease):
            raise JobLockLost(run.job, self.owner)

    def _run_recorded(
        self, job: Job, run: JobRun, stop: StopSignal, observer: JobObserver
    ) -> JobRun:
        context = JobContext(run, self, stop, observer)
        try:
            job.run(context)
        except JobStopped as stopped:
            finished = self._finish(context, JobStatus.STOPPED, stopped.where)
        except BaseException as error:
            # KeyboardInterrupt too: the record must not stay "running".
            context.errors.append(f"{type(error).__name__}: {error}")
            finished = self._finish(context, JobStatus.FAILED, context.where)
            observer.finished(finished)
            raise
        else:
            finished = self._finish(context, JobStatus.SUCCEEDED, None)
        observer.finished(finished)
        return finished

    def _finish(
        self, context: JobContext, status: JobStatus, where: str | None
    ) -> JobRun:
        finished = context.run.finish(
            status,
            self.clock.now(),
            _positive(context.counts),
            tuple(context.errors),
            where,
        )
        self.runs.finish(finished)
        return finished

    def _abandon_stale_runs(self, job: str) -> None:
        # We hold the lock, so nothing else is running this job: a run still
        # recorded as running belongs to a process that died.
        for stale in self.runs.unfinished(job):
            self.runs.finish(
                stale.finish(
                    JobStatus.ABANDONED,
                    self.clock.now(),
                    stale.counts,
                    (*stale.errors, "its process ended without recording the end"),
                    stale.stopped_at,
                )
            )


def _positive(counts: Mapping[str, int]) -> dict[str, int]:
    return {name: value for name, value in counts.items() if value}
