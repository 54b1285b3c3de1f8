"""The job runner: lock, history, checkpoints, resume and graceful stop."""

from __future__ import annotations

import threading

import pytest

from cims.domain.jobs import JobAlreadyRunning, JobLockLost, JobRun, JobStatus
from cims.ports.inbound.jobs.runner import JobContext
from tests.support.jobs import MemoryJobs, Stepper


class Boom:
    name = "boom"

    def run(self, context: JobContext) -> None:
        progress = context.input("rows")
        for chunk in progress.chunks(((n, n) for n in range(1, 10)), 2):
            for position, _ in chunk:
                if position == 5:
                    raise RuntimeError("disk full")
                progress.count("done")


def test_a_successful_run_is_recorded_with_its_counts() -> None:
    jobs = MemoryJobs()

    run = jobs.runner().run(Stepper(5))

    assert run.status is JobStatus.SUCCEEDED
    assert run.counts == {"seen": 5}
    assert run.finished_at is not None
    assert jobs.runs.history() == [run]


def test_a_failing_run_is_recorded_as_failed_with_where_it_got_to() -> None:
    jobs = MemoryJobs()

    with pytest.raises(RuntimeError, match="disk full"):
        jobs.runner().run(Boom())

    (run,) = jobs.runs.history()
    assert run.status is JobStatus.FAILED
    assert run.errors == ("RuntimeError: disk full",)
    assert run.stopped_at == "rows position 4"
    assert jobs.lock.holder("boom") is None


def test_a_failed_run_resumes_after_its_last_checkpoint() -> None:
    jobs = MemoryJobs()
    job = Stepper(7, chunk_size=2)
    job.run = _fail_once_at(job, 5)  # type: ignore[method-assign]

    with pytest.raises(RuntimeError):
        jobs.runner().run(job)
    resumed = jobs.runner().run(job)

    # 1-4 were committed; 5 had been seen in the chunk that failed, so the
    # chunk 5-6 is done again, and nothing before it.
    assert job.seen == [1, 2, 3, 4, 5, 5, 6, 7]
    assert resumed.counts == {"seen": 7}
    assert jobs.checkpoints.get("stepper", "numbers") is None


def _fail_once_at(job: Stepper, number: int):  # type: ignore[no-untyped-def]
    original = Stepper.run
    failed: list[bool] = []

    def run(context: JobContext) -> None:
        if not failed:
            failed.append(True)
            progress = context.input("numbers", job.items)
            for chunk in progress.chunks(((n, n) for n in range(1, 8)), 2):
                for _, n in chunk:
                    job.seen.append(n)
                    if n == number:
                        raise RuntimeError("killed")
                    progress.count("seen")
        else:
            original(job, context)

    return run


def test_a_job_never_runs_twice_at_once() -> None:
    jobs = MemoryJobs()
    job = Stepper(4)
    job.release.clear()
    first = threading.Thread(target=jobs.runner("first").run, args=(job,))
    first.start()
    assert job.inside.wait(5)

    with pytest.raises(JobAlreadyRunning, match="held by first"):
        jobs.runner("second").run(Stepper(4))

    job.release.set()
    first.join(5)
    assert [run.owner for run in jobs.runs.history()] == ["first"]


def test_a_lock_whose_lease_ran_out_can_be_taken_by_another_runner() -> None:
    jobs = MemoryJobs()
    assert jobs.lock.acquire("sync", "dead-process", jobs.runner().lease)

    jobs.clock.advance(minutes=6)
    run = jobs.runner("alive").run(Stepper(2))

    assert run.status is JobStatus.SUCCEEDED


def test_a_runner_that_lost_its_lock_stops_instead_of_running_on() -> None:
    jobs = MemoryJobs()
    job = Stepper(6)
    original_renew = jobs.lock.renew

    def steal(job_name: str, owner: str, lease):  # type: ignore[no-untyped-def]
        jobs.lock.release(job_name, owner)
        jobs.lock.acquire(job_name, "thief", lease)
        return original_renew(job_name, owner, lease)

    jobs.lock.renew = steal  # type: ignore[method-assign]

    with pytest.raises(JobLockLost):
        jobs.runner().run(job)
    assert jobs.runs.history()[0].status is JobStatus.FAILED
    assert job.seen == [1, 2]


def test_a_stop_request_ends_the_run_after_the_current_chunk() -> None:
    jobs = MemoryJobs()
    job = Stepper(10, chunk_size=3)
    stop = threading.Event()
    job.release.clear()
    worker = threading.Thread(target=jobs.runner().run, args=(job, stop))
    worker.start()
    assert job.inside.wait(5)

    stop.set()
    job.release.set()
    worker.join(5)

    (run,) = jobs.runs.history()
    assert run.status is JobStatus.STOPPED
    assert job.seen == [1, 2, 3]
    assert run.stopped_at == "numbers position 3"
    assert jobs.checkpoints.get("stepper", "numbers").position == 3  # type: ignore[union-attr]

    resumed = jobs.runner().run(job)
    assert job.seen == list(range(1, 11))
    assert resumed.counts == {"seen": 10}


def test_a_run_left_running_by_a_dead_process_is_marked_abandoned() -> None:
    jobs = MemoryJobs()
    jobs.runs.start(JobRun("old", "stepper", "dead", jobs.clock.now()))

    jobs.runner().run(Stepper(1))

    statuses = {run.run_id: run.status for run in jobs.runs.history()}
    assert statuses["old"] is JobStatus.ABANDONED
