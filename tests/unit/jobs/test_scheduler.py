"""Reading schedules, and the scheduler's graceful stop and failure handling."""

from __future__ import annotations

import datetime as dt
import logging
import threading

import pytest

from cims.domain.jobs import JobStatus
from cims.entrypoints.progress import LogProgress
from cims.entrypoints.scheduler import ScheduleError, Scheduler, parse_schedule
from cims.ports.inbound.jobs.runner import JobContext
from tests.support.jobs import MemoryJobs, Stepper

KNOWN = ("sync", "relay", "kyc-review")


def test_every_and_daily_at_are_read() -> None:
    entries = parse_schedule(
        {"jobs": {"sync": {"every": "5m"}, "kyc-review": {"daily_at": "02:00"}}}, KNOWN
    )

    assert [(e.job, e.every, e.daily_at) for e in entries] == [
        ("sync", dt.timedelta(minutes=5), None),
        ("kyc-review", None, "02:00"),
    ]


@pytest.mark.parametrize(
    ("jobs", "problem"),
    [
        ({"sync": {"every": "5 minutes"}}, "jobs.sync.every: must be like 30s"),
        ({"sync": {"every": "0s"}}, "jobs.sync.every"),
        ({"sync": {"daily_at": "25:00"}}, "jobs.sync.daily_at: must be HH:MM"),
        ({"sync": {"hourly": True}}, "unknown timing 'hourly'"),
        ({"sync": {"every": "1m", "daily_at": "01:00"}}, "exactly one"),
        ({"backup": {"every": "1h"}}, "jobs.backup: no such job"),
    ],
)
def test_a_bad_schedule_names_the_entry_and_what_is_expected(
    jobs: dict, problem: str
) -> None:
    with pytest.raises(ScheduleError, match=problem):
        parse_schedule({"jobs": jobs}, KNOWN)


def test_a_schedule_without_jobs_is_refused() -> None:
    with pytest.raises(ScheduleError, match="'jobs' mapping"):
        parse_schedule({"job": {}}, KNOWN)


def test_a_stop_lets_the_running_job_finish_its_chunk_and_record_where(
    caplog: pytest.LogCaptureFixture,
) -> None:
    jobs = MemoryJobs()
    job = Stepper(10, chunk_size=4)
    job.release.clear()
    scheduler = Scheduler([], jobs.runner(), lambda name: job, LogProgress())
    worker = threading.Thread(target=scheduler.run_job, args=("stepper",))
    caplog.set_level(logging.INFO)
    worker.start()
    assert job.inside.wait(5)

    scheduler.stop_requested.set()  # what SIGTERM does
    job.release.set()
    worker.join(5)

    (run,) = jobs.runs.history()
    assert run.status is JobStatus.STOPPED
    assert run.stopped_at == "numbers position 4"
    assert job.seen == [1, 2, 3, 4]
    assert "stopped on request at numbers position 4" in caplog.text


class Failing:
    name = "failing"

    def run(self, context: JobContext) -> None:
        raise OSError("inbox is not mounted")


def test_a_failing_job_is_logged_and_the_scheduler_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    jobs = MemoryJobs()
    scheduler = Scheduler([], jobs.runner(), lambda name: Failing(), LogProgress())

    scheduler.run_job("failing")
    scheduler.run_job("failing")

    assert [run.status for run in jobs.runs.history()] == [JobStatus.FAILED] * 2
    assert caplog.text.count("job failing failed; the schedule goes on") == 2


def test_serve_returns_once_stopped() -> None:
    jobs = MemoryJobs()
    scheduler = Scheduler(
        [], jobs.runner(), lambda name: Failing(), LogProgress(), 0.01
    )
    threading.Timer(0.05, scheduler.stop_requested.set).start()

    scheduler.serve()

    assert scheduler.stop_requested.is_set()
