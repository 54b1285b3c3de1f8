"""Showing job runs as they go: a progress bar on a terminal, log lines otherwise."""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from cims.domain.jobs import JobRun, JobStatus
from cims.ports.inbound.jobs.runner import JobObserver

log = logging.getLogger(__name__)


class Observers:
    """Several observers as one."""

    def __init__(self, observers: Sequence[JobObserver]) -> None:
        self._observers = tuple(observers)

    def started(self, run: JobRun) -> None:
        for observer in self._observers:
            observer.started(run)

    def progress(self, job: str, input: str, done: int, total: int | None) -> None:
        for observer in self._observers:
            observer.progress(job, input, done, total)

    def finished(self, run: JobRun) -> None:
        for observer in self._observers:
            observer.finished(run)


class LogProgress:
    """Plain log lines: start, progress at most every `interval` seconds, end."""

    def __init__(self, interval: float = 10.0) -> None:
        self._interval = interval
        self._last = 0.0

    def started(self, run: JobRun) -> None:
        log.info("job %s started (run %s, by %s)", run.job, run.run_id, run.owner)

    def progress(self, job: str, input: str, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self._last < self._interval:
            return
        self._last = now
        of = f" of {total}" if total else ""
        log.info("job %s: %s, %d%s done", job, input, done, of)

    def finished(self, run: JobRun) -> None:
        counts = ", ".join(f"{k}={v}" for k, v in run.counts.items()) or "nothing done"
        seconds = run.duration.total_seconds() if run.duration else 0.0
        if run.status is JobStatus.SUCCEEDED:
            log.info("job %s succeeded in %.1fs: %s", run.job, seconds, counts)
        elif run.status is JobStatus.STOPPED:
            log.warning(
                "job %s stopped on request at %s after %.1fs: %s; the next run "
                "resumes there",
                run.job,
                run.stopped_at,
                seconds,
                counts,
            )
        else:
            log.error(
                "job %s %s after %.1fs at %s: %s; errors: %s",
                run.job,
                run.status.value,
                seconds,
                run.stopped_at or "the start",
                counts,
                "; ".join(run.errors[-3:]),
            )


class RichProgress:
    """A rich progress bar per input, for a person watching a terminal."""

    def __init__(self, console: Any = None) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            console=console,
            transient=False,
        )
        self._tasks: dict[str, Any] = {}

    def started(self, run: JobRun) -> None:
        self._progress.start()

    def progress(self, job: str, input: str, done: int, total: int | None) -> None:
        task = self._tasks.get(input)
        if task is None:
            task = self._progress.add_task(f"{job} {input}", total=total)
            self._tasks[input] = task
        self._progress.update(task, completed=done, total=total)

    def finished(self, run: JobRun) -> None:
        self._progress.stop()
