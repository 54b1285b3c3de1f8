"""The MongoDB job lock, run history, checkpoints and source records.

The same behaviours as the SQL job adapter's tests (tests/integration/jobs),
plus what only MongoDB needs: the upsert race on a new lock, literal filters,
outages as 503s, and the indexes.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from pymongo import errors

from cims.adapters.files.feeds import FolderInbox
from cims.adapters.mongo import MongoStore
from cims.adapters.mongo.jobs import (
    JOB_CHECKPOINTS,
    JOB_LOCKS,
    JOB_RUNS,
    SOURCE_RECORDS,
    MongoCheckpoints,
    MongoJobLock,
    MongoJobRuns,
    MongoSourceRecords,
)
from cims.domain.errors import InvalidInput, ServiceUnavailable
from cims.domain.jobs import Checkpoint, JobRun, JobStatus
from cims.domain.source_feeds import SourceRecord, parse_sources
from cims.ports.inbound.jobs.runner import JobRunner
from cims.ports.inbound.jobs.sync import SyncJob
from tests.support.customers import FixedClock, SequentialIds
from tests.support.jobs import CRM_MAPPING, Stepper, crm_row, write_csv
from tests.support.mongo import MONGODB_URL, new_client

pytestmark = pytest.mark.mongo

LEASE = dt.timedelta(minutes=1)
AT = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


class TestLock:
    def test_the_lock_has_one_holder_until_released_or_expired(
        self, store: MongoStore
    ) -> None:
        clock = FixedClock()
        lock = MongoJobLock(store, clock.now)

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
        assert lock.holder("sync") is None
        assert lock.acquire("sync", "a", LEASE)

    def test_renewing_pushes_the_expiry_back(self, store: MongoStore) -> None:
        clock = FixedClock()
        lock = MongoJobLock(store, clock.now)
        assert lock.acquire("sync", "a", LEASE)

        clock.advance(seconds=50)
        assert lock.renew("sync", "a", LEASE)
        clock.advance(seconds=50)

        assert lock.holder("sync") == "a"
        assert not lock.acquire("sync", "b", LEASE)

    def test_the_owner_may_take_its_own_lock_again(self, store: MongoStore) -> None:
        lock = MongoJobLock(store, FixedClock().now)

        assert lock.acquire("sync", "a", LEASE)
        assert lock.acquire("sync", "a", LEASE)
        assert store.db[JOB_LOCKS].count_documents({}) == 1

    def test_locks_of_different_jobs_are_independent(self, store: MongoStore) -> None:
        lock = MongoJobLock(store, FixedClock().now)

        assert lock.acquire("sync", "a", LEASE)
        assert lock.acquire("dedup", "b", LEASE)
        assert (lock.holder("sync"), lock.holder("dedup")) == ("a", "b")

    def test_of_many_runners_racing_for_a_new_lock_exactly_one_wins(
        self, store: MongoStore
    ) -> None:
        lock = MongoJobLock(store)
        start = threading.Barrier(8)
        won: list[str] = []

        def race(owner: str) -> None:
            start.wait(5)
            if lock.acquire("sync", owner, LEASE):
                won.append(owner)

        threads = [
            threading.Thread(target=race, args=(f"runner-{n}",)) for n in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)

        assert len(won) == 1
        assert lock.holder("sync") == won[0]

    def test_operator_shaped_names_are_refused_not_obeyed(
        self, store: MongoStore
    ) -> None:
        lock = MongoJobLock(store)
        assert lock.acquire("sync", "a", LEASE)
        anything: Any = {"$ne": None}

        with pytest.raises(InvalidInput):
            lock.acquire(anything, "b", LEASE)
        with pytest.raises(InvalidInput):
            lock.release("sync", anything)
        assert lock.holder("sync") == "a"
        assert lock.holder('{"$ne": null}') is None


class TestRuns:
    def test_runs_are_listed_newest_first(self, store: MongoStore) -> None:
        runs = MongoJobRuns(store)
        older = JobRun("r1", "sync", "me", AT)
        newer = JobRun("r2", "dedup", "me", AT + dt.timedelta(hours=1))
        runs.start(older)
        runs.start(newer)
        done = older.finish(
            JobStatus.STOPPED, AT + dt.timedelta(minutes=5), {"read": 3}, ("x",), "f 2"
        )
        runs.finish(done)

        assert runs.history() == [newer, done]
        assert runs.history("sync") == [done]
        assert runs.unfinished("dedup") == [newer]
        assert runs.unfinished("sync") == []

    def test_history_is_limited_and_ties_go_to_the_later_run_id(
        self, store: MongoStore
    ) -> None:
        runs = MongoJobRuns(store)
        for run_id in ("r1", "r2", "r3"):
            runs.start(JobRun(run_id, "sync", "me", AT))

        assert [run.run_id for run in runs.history("sync", limit=2)] == ["r3", "r2"]

    def test_times_survive_to_the_microsecond(self, store: MongoStore) -> None:
        runs = MongoJobRuns(store)
        started = dt.datetime(2026, 3, 4, 5, 6, 7, 891234, tzinfo=dt.UTC)
        run = JobRun("r1", "sync", "me", started)
        runs.start(run)
        done = run.finish(
            JobStatus.SUCCEEDED, started + dt.timedelta(microseconds=1), {}
        )
        runs.finish(done)

        assert runs.history() == [done]


class TestCheckpoints:
    def test_checkpoints_are_saved_replaced_and_cleared(
        self, store: MongoStore
    ) -> None:
        checkpoints = MongoCheckpoints(store)

        checkpoints.save(Checkpoint("sync", "crm:a.csv", 10, {"read": 9}, AT))
        checkpoints.save(Checkpoint("sync", "crm:a.csv", 20, {"read": 19}, AT))

        assert checkpoints.get("sync", "crm:a.csv") == Checkpoint(
            "sync", "crm:a.csv", 20, {"read": 19}, AT
        )
        assert store.db[JOB_CHECKPOINTS].count_documents({}) == 1
        checkpoints.clear("sync", "crm:a.csv")
        assert checkpoints.get("sync", "crm:a.csv") is None

    def test_each_input_of_each_job_has_its_own_checkpoint(
        self, store: MongoStore
    ) -> None:
        checkpoints = MongoCheckpoints(store)
        saved = [
            Checkpoint("sync", "crm:a.csv", 1),
            Checkpoint("sync", "crm:b.csv", 2),
            Checkpoint("dedup", "crm:a.csv", 3),
        ]
        for checkpoint in saved:
            checkpoints.save(checkpoint)

        checkpoints.clear("sync", "crm:a.csv")

        assert checkpoints.get("sync", "crm:a.csv") is None
        assert checkpoints.get("sync", "crm:b.csv") == saved[1]
        assert checkpoints.get("dedup", "crm:a.csv") == saved[2]


class TestSourceRecords:
    def test_source_records_keep_the_latest_values(self, store: MongoStore) -> None:
        records = MongoSourceRecords(store)
        first = SourceRecord("crm", "C1", "cust-1", "h1", {"name": "Zoë"}, AT, "a.csv")
        second = SourceRecord("crm", "C1", "cust-1", "h2", {"name": "Zoe"}, AT, "b.csv")

        records.put_many([first])
        records.put_many([second])
        records.put_many([])

        assert records.get("crm", "C1") == second
        assert records.get("crm", "C2") is None
        assert store.db[SOURCE_RECORDS].count_documents({}) == 1

    def test_one_batch_may_hold_many_records_and_the_same_key_twice(
        self, store: MongoStore
    ) -> None:
        records = MongoSourceRecords(store)
        batch = [
            SourceRecord("crm", f"C{n}", f"cust-{n}", f"h{n}", {"n": n}, AT)
            for n in range(5)
        ]
        latest = SourceRecord("crm", "C0", "cust-0", "h9", {"n": 9}, AT)

        records.put_many([*batch, latest])

        assert records.get("crm", "C0") == latest
        assert records.get("crm", "C4") == batch[4]
        assert records.get("erp", "C4") is None

    def test_feed_values_are_kept_verbatim_even_with_operator_shaped_keys(
        self, store: MongoStore
    ) -> None:
        records = MongoSourceRecords(store)
        odd = {"$where": "sleep(1000)", "address.city": "Leeds", "none": None}
        record = SourceRecord("crm", "C1", "cust-1", "h1", odd, AT)

        records.put_many([record])

        assert records.get("crm", "C1") == record


class TestIndexesAndErrors:
    def test_job_indexes_are_created_once_however_often_the_store_starts(
        self, store: MongoStore
    ) -> None:
        before = {
            name: store.db[name].index_information()
            for name in (JOB_RUNS, JOB_CHECKPOINTS, SOURCE_RECORDS)
        }

        store.ensure_indexes()
        MongoStore(store.client, store.db.name)

        after = {name: store.db[name].index_information() for name in before}
        assert after == before
        assert {"job_newest_first", "newest_first"} <= set(after[JOB_RUNS])
        assert after[JOB_CHECKPOINTS]["job_input"]["unique"] is True
        assert after[SOURCE_RECORDS]["source_key"]["unique"] is True

    def test_an_outage_while_taking_the_lock_is_service_unavailable(
        self, store: MongoStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        def fail(*args: Any, **kwargs: Any) -> Any:
            raise errors.AutoReconnect("connection reset")

        monkeypatch.setattr(type(store.db[JOB_LOCKS]), "find_one_and_update", fail)

        with pytest.raises(ServiceUnavailable):
            MongoJobLock(store).acquire("sync", "a", LEASE)


def test_the_sync_job_imports_into_mongo_and_a_rerun_changes_nothing(
    store: MongoStore, tmp_path: Path
) -> None:
    clock, ids = FixedClock(), SequentialIds()
    runner = JobRunner(
        MongoJobLock(store, clock.now),
        MongoJobRuns(store),
        MongoCheckpoints(store),
        clock,
        ids,
        "test",
    )
    job = SyncJob(
        parse_sources({"sources": [CRM_MAPPING]}),
        FolderInbox(tmp_path),
        MongoSourceRecords(store),
        store.unit_of_work,
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
    assert len(store.pending(100)) == 2
    assert [run.status for run in MongoJobRuns(store).history("sync")] == [
        JobStatus.SUCCEEDED,
        JobStatus.SUCCEEDED,
    ]


def _hold_the_lock(
    database: str, owner: str, results: multiprocessing.Queue[Any]
) -> None:
    import time

    from cims.adapters.system import SystemClock, TimeOrderedIds
    from cims.domain.jobs import JobAlreadyRunning

    client = new_client()
    store = MongoStore(client, database)
    runner = JobRunner(
        MongoJobLock(store),
        MongoJobRuns(store),
        MongoCheckpoints(store),
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
        client.close()


@pytest.mark.slow
@pytest.mark.skipif(
    not MONGODB_URL, reason="processes share a database only on a real MongoDB"
)
def test_two_processes_start_the_same_job_and_only_one_runs() -> None:
    database = f"cims_test_{uuid.uuid4().hex[:12]}"
    spawn = multiprocessing.get_context("spawn")
    results = spawn.Queue()
    workers = [
        spawn.Process(target=_hold_the_lock, args=(database, owner, results))
        for owner in ("one", "two")
    ]
    for worker in workers:
        worker.start()
    outcomes = sorted(results.get(timeout=60)[1] for _ in workers)
    for worker in workers:
        worker.join(30)

    client = new_client()
    try:
        store = MongoStore(client, database)
        history = MongoJobRuns(store).history("stepper")
        store.close()
    finally:
        client.drop_database(database)
        client.close()
    assert outcomes == ["refused", "succeeded"]
    assert [run.status for run in history] == [JobStatus.SUCCEEDED]
