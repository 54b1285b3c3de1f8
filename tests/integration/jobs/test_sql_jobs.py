"""The SQL job lock, run history, checkpoints and source records."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path

import pytest

from cims.adapters.files.feeds import FolderInbox
from cims.adapters.sqlalchemy import SqlStore
from cims.adapters.sqlalchemy.jobs import (
    SqlCheckpoints,
    SqlJobLock,
    SqlJobRuns,
    SqlSourceRecords,
)
from cims.domain.jobs import Checkpoint, JobRun, JobStatus
from cims.domain.source_feeds import SourceRecord, parse_sources
from cims.ports.inbound.jobs.runner import JobRunner
from cims.ports.inbound.jobs.sync import SyncJob
from tests.support.customers import FixedClock, SequentialIds
from tests.support.jobs import CRM_MAPPING, crm_row, write_csv

LEASE = dt.timedelta(minutes=1)


def test_the_lock_has_one_holder_until_released_or_expired(sql_store: SqlStore) -> None:
    clock = FixedClock()
    lock = SqlJobLock(sql_store.engine, clock.now)

    assert lock.acquire("sync", "a", LEASE)
    assert not lock.acquire("sync", "b", LEASE)
    assert lock.holder("sync") == "a"
    assert lock.renew("sync", "a", LEASE)
    assert not lock.renew("sync", "b", LEASE)

    clock.advance(minutes=2)
    assert lock.holder("sync") is None
    assert lock.acquire("sync", "b", LEASE)
    assert not lock.renew("sync", "a", LEASE)

    lock.release("sync", "a")
    assert lock.holder("sync") == "b"
    lock.release("sync", "b")
    assert lock.acquire("sync", "a", LEASE)


def test_runs_are_listed_newest_first(sql_store: SqlStore) -> None:
    runs = SqlJobRuns(sql_store.engine)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    older = JobRun("r1", "sync", "me", start)
    newer = JobRun("r2", "dedup", "me", start + dt.timedelta(hours=1))
    runs.start(older)
    runs.start(newer)
    done = older.finish(
        JobStatus.STOPPED, start + dt.timedelta(minutes=5), {"read": 3}, ("x",), "f 2"
    )
    runs.finish(done)

    assert runs.history() == [newer, done]
    assert runs.history("sync") == [done]
    assert runs.unfinished("dedup") == [newer]


def test_checkpoints_are_saved_replaced_and_cleared(sql_store: SqlStore) -> None:
    checkpoints = SqlCheckpoints(sql_store.engine)
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)

    checkpoints.save(Checkpoint("sync", "crm:a.csv", 10, {"read": 9}, at))
    checkpoints.save(Checkpoint("sync", "crm:a.csv", 20, {"read": 19}, at))

    assert checkpoints.get("sync", "crm:a.csv") == Checkpoint(
        "sync", "crm:a.csv", 20, {"read": 19}, at
    )
    checkpoints.clear("sync", "crm:a.csv")
    assert checkpoints.get("sync", "crm:a.csv") is None


def test_source_records_keep_the_latest_values(sql_store: SqlStore) -> None:
    records = SqlSourceRecords(sql_store.engine)
    at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    first = SourceRecord("crm", "C1", "cust-1", "h1", {"name": "Zoë"}, at, "a.csv")
    second = SourceRecord("crm", "C1", "cust-1", "h2", {"name": "Zoe"}, at, "b.csv")

    records.put_many([first])
    records.put_many([second])

    assert records.get("crm", "C1") == second
    assert records.get("crm", "C2") is None


def test_the_sync_job_imports_into_sql_and_a_rerun_changes_nothing(
    sql_store: SqlStore, tmp_path: Path
) -> None:
    clock, ids = FixedClock(), SequentialIds()
    runner = JobRunner(
        SqlJobLock(sql_store.engine),
        SqlJobRuns(sql_store.engine),
        SqlCheckpoints(sql_store.engine),
        clock,
        ids,
        "test",
    )
    job = SyncJob(
        parse_sources({"sources": [CRM_MAPPING]}),
        FolderInbox(tmp_path),
        SqlSourceRecords(sql_store.engine),
        sql_store.unit_of_work,
        clock,
        ids,
        chunk_size=2,
    )
    rows = [crm_row(1), crm_row(2, email="bad"), crm_row(3)]
    write_csv(tmp_path / "crm-1.csv", rows)
    first = runner.run(job)
    write_csv(tmp_path / "crm-2.csv", rows)
    second = runner.run(job)

    assert first.counts == {"read": 3, "created": 2, "rejected": 1}
    assert second.counts == {"read": 3, "unchanged": 2, "rejected": 1}
    assert len(sql_store.pending(100)) == 2


def _hold_the_lock(url: str, owner: str, results: multiprocessing.Queue) -> None:
    import time

    from cims.adapters.system import SystemClock, TimeOrderedIds
    from cims.domain.jobs import JobAlreadyRunning
    from tests.support.jobs import Stepper

    store = SqlStore(url)
    runner = JobRunner(
        SqlJobLock(store.engine),
        SqlJobRuns(store.engine),
        SqlCheckpoints(store.engine),
        SystemClock(),
        TimeOrderedIds(),
        owner,
    )
    job = Stepper(4, chunk_size=1)
    original = job.run

    def slow(context):  # type: ignore[no-untyped-def]
        time.sleep(1.5)
        original(context)

    job.run = slow  # type: ignore[method-assign]
    try:
        run = runner.run(job)
        results.put((owner, run.status.value))
    except JobAlreadyRunning:
        results.put((owner, "refused"))
    finally:
        store.close()


@pytest.mark.slow
def test_two_processes_start_the_same_job_and_only_one_runs(database_url: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    workers = [
        spawn.Process(target=_hold_the_lock, args=(database_url, owner, results))
        for owner in ("one", "two")
    ]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=60)[1] for _ in workers)
    for worker in workers:
        worker.join(30)

    assert outcomes == ["refused", "succeeded"]
    store = SqlStore(database_url)
    history = SqlJobRuns(store.engine).history("stepper")
    store.close()
    assert [run.status for run in history] == [JobStatus.SUCCEEDED]
