"""`cims scheduler`: runs batch jobs on the schedule in a YAML file.

    jobs:
      sync: {every: 5m}
      relay: {every: 30s}
      kyc-review: {daily_at: "02:00"}

`every` takes a number with s, m, h or d; `daily_at` a 24-hour HH:MM in the
scheduler host's local time. SIGTERM or SIGINT stops it gracefully: a job
that is running finishes its current chunk, records where it stopped, and
the scheduler exits; the next run resumes from there.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import signal
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
import schedule
import yaml

from cims.domain.jobs import JobAlreadyRunning
from cims.ports.inbound.jobs.runner import Job, JobObserver, JobRunner

log = logging.getLogger(__name__)

_EVERY = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_DAILY = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ScheduleError(ValueError):
    """The schedule file is not valid; the message names each problem."""


@attrs.frozen
class ScheduledJob:
    job: str
    every: dt.timedelta | None = None
    daily_at: str | None = None

    def describe(self) -> str:
        if self.every is not None:
            return f"every {int(self.every.total_seconds())}s"
        return f"daily at {self.daily_at}"


def parse_schedule(config: Any, known_jobs: tuple[str, ...]) -> list[ScheduledJob]:
    """The jobs of a schedule configuration (`{jobs: {name: {every|daily_at}}}`).

    Raises:
        ScheduleError: listing every entry that is wrong.
    """
    if not isinstance(config, Mapping) or not isinstance(config.get("jobs"), Mapping):
        raise ScheduleError("a schedule needs a 'jobs' mapping of job name to timing")
    problems: list[str] = []
    scheduled: list[ScheduledJob] = []
    for name, timing in config["jobs"].items():
        if name not in known_jobs:
            problems.append(f"jobs.{name}: no such job; known: {', '.join(known_jobs)}")
            continue
        if not isinstance(timing, Mapping) or len(timing) != 1:
            problems.append(f"jobs.{name}: give exactly one of every or daily_at")
            continue
        ((kind, value),) = timing.items()
        if kind == "every":
            match = _EVERY.match(str(value))
            if match is None or int(match.group(1)) == 0:
                problems.append(
                    f"jobs.{name}.every: must be like 30s, 5m, 2h or 1d; got {value!r}"
                )
                continue
            amount = int(match.group(1))
            every = dt.timedelta(**{_UNITS[match.group(2)]: amount})
            scheduled.append(ScheduledJob(name, every=every))
        elif kind == "daily_at":
            if not _DAILY.match(str(value)):
                problems.append(
                    f"jobs.{name}.daily_at: must be HH:MM (24-hour); got {value!r}"
                )
                continue
            scheduled.append(ScheduledJob(name, daily_at=str(value)))
        else:
            problems.append(
                f"jobs.{name}: unknown timing {kind!r}; use every or daily_at"
            )
    if problems:
        raise ScheduleError("; ".join(problems))
    return scheduled


def load_schedule(path: str | Path, known_jobs: tuple[str, ...]) -> list[ScheduledJob]:
    return parse_schedule(yaml.safe_load(Path(path).read_text()), known_jobs)


class Scheduler:
    """Runs scheduled jobs one at a time in this thread until asked to stop."""

    def __init__(
        self,
        entries: list[ScheduledJob],
        runner: JobRunner,
        build: Callable[[str], Job],
        observer: JobObserver,
        tick: float = 1.0,
    ) -> None:
        self.stop_requested = threading.Event()
        self._runner = runner
        self._build = build
        self._observer = observer
        self._tick = tick
        self._schedule = schedule.Scheduler()
        for entry in entries:
            if entry.every is not None:
                seconds = int(entry.every.total_seconds())
                self._schedule.every(seconds).seconds.do(self.run_job, entry.job)
            else:
                self._schedule.every().day.at(entry.daily_at).do(
                    self.run_job, entry.job
                )
        self._entries = entries

    def run_job(self, name: str) -> None:
        """Run one job now; failures are logged and the schedule goes on."""
        if self.stop_requested.is_set():
            return
        try:
            self._runner.run(self._build(name), self.stop_requested, self._observer)
        except JobAlreadyRunning as busy:
            log.info("skipped %s this time: %s", name, busy)
        except Exception:
            log.exception("job %s failed; the schedule goes on", name)

    def serve(self) -> None:
        log.info(
            "scheduler started (runner %s): %s",
            self._runner.owner,
            ", ".join(f"{e.job} {e.describe()}" for e in self._entries) or "no jobs",
        )
        while not self.stop_requested.is_set():
            self._schedule.run_pending()
            self.stop_requested.wait(self._tick)
        log.info("scheduler stopped; no job is running")

    def install_signal_handlers(self) -> None:
        def stop(signum: int, _frame: Any) -> None:
            log.info(
                "received %s: finishing the current chunk, then stopping",
                signal.Signals(signum).name,
            )
            self.stop_requested.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
