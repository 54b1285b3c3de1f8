"""MongoDB job lock, run history, checkpoints and source records.

Every call is one single-document write (or a read) of its own, apart from
`put_many`, which is one bulk write of per-record upserts. The lock is a
document per job in `job_locks` (`_id` = job, `owner`, `expiresAt`), taken by
one conditional `find_one_and_update` that matches only when the lease has
expired or is already ours; when nothing matches, the upsert tries to insert
the job's document and the unique `_id` refuses it if another owner holds the
lock. So the lock holds across processes and hosts sharing the database.

Times are stored as UTC ISO-8601 text exact to the microsecond, as in the
rest of the MongoDB store: they compare correctly as strings and round-trip
exactly. Feed values are stored as JSON text, so keys chosen by a source
system can never be read as operators or paths.

LIMITATION: lease expiry is judged by each runner's own clock; hosts running
jobs need clocks in sync to well within the lease.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import pymongo
from pymongo import errors

from cims.adapters.mongo.errors import storage_errors
from cims.adapters.mongo.safety import literal, plain_keys, text, whole_number
from cims.domain.jobs import Checkpoint, JobRun, JobStatus
from cims.domain.source_feeds import SourceRecord

if TYPE_CHECKING:
    from cims.adapters.mongo.store import MongoStore

JOB_LOCKS = "job_locks"
JOB_RUNS = "job_runs"
JOB_CHECKPOINTS = "job_checkpoints"
SOURCE_RECORDS = "source_records"

Now = Callable[[], dt.datetime]
Document = dict[str, Any]

# Indexes, by collection; MongoStore creates them with its own at start-up.
JOB_INDEXES: dict[str, list[pymongo.IndexModel]] = {
    JOB_RUNS: [
        pymongo.IndexModel(
            [
                ("job", pymongo.ASCENDING),
                ("startedAt", pymongo.DESCENDING),
                ("_id", pymongo.DESCENDING),
            ],
            name="job_newest_first",
        ),
        pymongo.IndexModel(
            [("startedAt", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)],
            name="newest_first",
        ),
    ],
    JOB_CHECKPOINTS: [
        pymongo.IndexModel(
            [("job", pymongo.ASCENDING), ("input", pymongo.ASCENDING)],
            name="job_input",
            unique=True,
        )
    ],
    SOURCE_RECORDS: [
        pymongo.IndexModel(
            [("source", pymongo.ASCENDING), ("sourceKey", pymongo.ASCENDING)],
            name="source_key",
            unique=True,
        )
    ],
}


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _moment(stored: str | None) -> dt.datetime | None:
    return None if stored is None else dt.datetime.fromisoformat(stored)


def _counts(counts: dict[str, int]) -> dict[str, int]:
    plain_keys(counts, "counts")
    return {
        name: whole_number(value, f"counts.{name}") for name, value in counts.items()
    }


class MongoJobLock:
    def __init__(self, store: MongoStore, clock: Now | None = None) -> None:
        self._locks = store.db[JOB_LOCKS]
        self._now = clock or store.now

    def acquire(self, job: str, owner: str, lease: dt.timedelta) -> bool:
        now = self._now()
        free_or_ours = {
            "_id": literal(job, "job"),
            "$or": [
                {"expiresAt": {"$lte": _iso(now)}},
                {"owner": literal(owner, "owner")},
            ],
        }
        take = {"$set": {"owner": owner, "expiresAt": _iso(now + lease)}}
        with storage_errors("take a job lock"):
            try:
                # Upserted from the `_id` condition when the job has no lock
                # document yet; when another owner's unexpired lease exists
                # (or a concurrent runner inserted first) the insert hits the
                # unique `_id` and the lock is not ours.
                self._locks.find_one_and_update(free_or_ours, take, upsert=True)
            except errors.DuplicateKeyError:
                return False
        return True

    def renew(self, job: str, owner: str, lease: dt.timedelta) -> bool:
        ours = {"_id": literal(job, "job"), "owner": literal(owner, "owner")}
        extend = {"$set": {"expiresAt": _iso(self._now() + lease)}}
        with storage_errors("renew a job lock"):
            return self._locks.update_one(ours, extend).matched_count == 1

    def release(self, job: str, owner: str) -> None:
        ours = {"_id": literal(job, "job"), "owner": literal(owner, "owner")}
        with storage_errors("release a job lock"):
            self._locks.delete_one(ours)

    def holder(self, job: str) -> str | None:
        held = {"_id": literal(job, "job"), "expiresAt": {"$gt": _iso(self._now())}}
        with storage_errors("read a job lock"):
            found = self._locks.find_one(held, {"owner": True})
        return str(found["owner"]) if found and found.get("owner") else None


_NEWEST_FIRST = [("startedAt", pymongo.DESCENDING), ("_id", pymongo.DESCENDING)]


class MongoJobRuns:
    def __init__(self, store: MongoStore) -> None:
        self._runs = store.db[JOB_RUNS]

    def start(self, run: JobRun) -> None:
        with storage_errors("record a job run"):
            self._runs.insert_one({"_id": text(run.run_id, "run id"), **_run(run)})

    def finish(self, run: JobRun) -> None:
        started = {"_id": literal(run.run_id, "run id")}
        with storage_errors("record a job run"):
            self._runs.update_one(started, {"$set": _run(run)})

    def unfinished(self, job: str) -> Sequence[JobRun]:
        running = {
            "job": literal(job, "job"),
            "status": literal(JobStatus.RUNNING.value, "status"),
        }
        with storage_errors("read job runs"):
            found = list(self._runs.find(running).sort(_NEWEST_FIRST))
        return [_job_run(document) for document in found]

    def history(self, job: str | None = None, limit: int = 50) -> Sequence[JobRun]:
        if whole_number(limit, "limit") <= 0:
            return []  # MongoDB reads a limit of 0 as "no limit"
        which = {} if job is None else {"job": literal(job, "job")}
        with storage_errors("read job runs"):
            found = list(self._runs.find(which).sort(_NEWEST_FIRST).limit(limit))
        return [_job_run(document) for document in found]


def _run(run: JobRun) -> Document:
    return {
        "job": run.job,
        "owner": run.owner,
        "status": run.status.value,
        "startedAt": _iso(run.started_at),
        "finishedAt": None if run.finished_at is None else _iso(run.finished_at),
        "counts": _counts(run.counts),
        "errors": list(run.errors),
        "stoppedAt": run.stopped_at,
    }


def _job_run(document: Document) -> JobRun:
    started = _moment(document["startedAt"])
    assert started is not None  # every recorded run has started
    return JobRun(
        run_id=str(document["_id"]),
        job=document["job"],
        owner=document["owner"],
        started_at=started,
        status=JobStatus(document["status"]),
        finished_at=_moment(document.get("finishedAt")),
        counts=document.get("counts") or {},
        errors=tuple(document.get("errors") or ()),
        stopped_at=document.get("stoppedAt"),
    )


class MongoCheckpoints:
    def __init__(self, store: MongoStore) -> None:
        self._checkpoints = store.db[JOB_CHECKPOINTS]

    def get(self, job: str, input: str) -> Checkpoint | None:
        with storage_errors("read a checkpoint"):
            found = self._checkpoints.find_one(_checkpoint_of(job, input))
        if found is None:
            return None
        return Checkpoint(
            job=found["job"],
            input=found["input"],
            position=found["position"],
            counts=found.get("counts") or {},
            saved_at=_moment(found.get("savedAt")),
        )

    def save(self, checkpoint: Checkpoint) -> None:
        position = whole_number(checkpoint.position, "position")
        saved_at = checkpoint.saved_at
        replace = {
            "$set": {
                "position": position,
                "counts": _counts(checkpoint.counts),
                "savedAt": None if saved_at is None else _iso(saved_at),
            }
        }
        which = _checkpoint_of(checkpoint.job, checkpoint.input)
        with storage_errors("save a checkpoint"):
            _upsert(lambda: self._checkpoints.update_one(which, replace, upsert=True))

    def clear(self, job: str, input: str) -> None:
        with storage_errors("clear a checkpoint"):
            self._checkpoints.delete_one(_checkpoint_of(job, input))


def _checkpoint_of(job: str, input: str) -> Document:
    return {"job": literal(job, "job"), "input": literal(input, "input")}


def _upsert(write: Callable[[], Any]) -> None:
    """Run an upsert, once more if a concurrent upsert inserted the key first.

    The second attempt finds the document the other writer inserted and
    updates it, which is what a lone writer would have done.
    """
    try:
        write()
    except (errors.DuplicateKeyError, errors.BulkWriteError) as error:
        if isinstance(error, errors.BulkWriteError) and not _only_duplicates(error):
            raise
        write()


def _only_duplicates(error: errors.BulkWriteError) -> bool:
    failures = error.details.get("writeErrors") or []
    return bool(failures) and all(f.get("code") == 11000 for f in failures)


class MongoSourceRecords:
    def __init__(self, store: MongoStore) -> None:
        self._records = store.db[SOURCE_RECORDS]

    def get(self, source: str, source_key: str) -> SourceRecord | None:
        with storage_errors("read a source record"):
            found = self._records.find_one(_record_of(source, source_key))
        if found is None:
            return None
        received = _moment(found["receivedAt"])
        assert received is not None  # every stored record was received
        return SourceRecord(
            source=found["source"],
            source_key=found["sourceKey"],
            customer_id=found["customerId"],
            record_hash=found["recordHash"],
            values=json.loads(found["values"]),
            received_at=received,
            file=found.get("file"),
        )

    def put_many(self, records: Sequence[SourceRecord]) -> None:
        if not records:
            return
        upserts = [
            pymongo.UpdateOne(
                _record_of(record.source, record.source_key),
                {
                    "$set": {
                        "customerId": record.customer_id,
                        "recordHash": record.record_hash,
                        "values": json.dumps(record.values, ensure_ascii=False),
                        "receivedAt": _iso(record.received_at),
                        "file": record.file,
                    }
                },
                upsert=True,
            )
            for record in records
        ]
        with storage_errors("store source records"):
            _upsert(lambda: self._records.bulk_write(upserts, ordered=True))


def _record_of(source: str, source_key: str) -> Document:
    return {
        "source": literal(source, "source"),
        "sourceKey": literal(source_key, "source key"),
    }
