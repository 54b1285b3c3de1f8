"""SQL job lock, run history, checkpoints and source records.

Every call is one short transaction of its own, apart from the customer
changes a job makes through its units of work. The lock is a row per job in
`job_locks` (owner, expires_at): taken only when free, expired or already
ours, so it holds across processes and hosts sharing the database.

LIMITATION: lease expiry is judged by each runner's own clock; hosts running
jobs need clocks in sync to well within the lease.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from cims.adapters.sqlalchemy.errors import database_errors
from cims.adapters.sqlalchemy.schema import (
    job_checkpoints,
    job_locks,
    job_runs,
    source_records,
)
from cims.domain.jobs import Checkpoint, JobRun, JobStatus
from cims.domain.source_feeds import SourceRecord

NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
Now = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _insert(engine: sa.Engine) -> Any:
    return postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert


class SqlJobLock:
    def __init__(self, engine: sa.Engine, clock: Now = _utc_now) -> None:
        self._engine = engine
        self._now = clock
        self._seed = _insert(engine)(job_locks).on_conflict_do_nothing(
            index_elements=[job_locks.c.job]
        )

    def acquire(self, job: str, owner: str, lease: dt.timedelta) -> bool:
        now = self._now()
        c = job_locks.c
        take = (
            sa.update(job_locks)
            .where(c.job == job, sa.or_(c.owner == owner, c.expires_at < now))
            .values(owner=owner, expires_at=now + lease)
        )
        with database_errors("take a job lock"), self._engine.begin() as connection:
            connection.execute(
                self._seed, {"job": job, "owner": "", "expires_at": NEVER}
            )
            return connection.execute(take).rowcount == 1

    def renew(self, job: str, owner: str, lease: dt.timedelta) -> bool:
        c = job_locks.c
        extend = (
            sa.update(job_locks)
            .where(c.job == job, c.owner == owner)
            .values(expires_at=self._now() + lease)
        )
        with database_errors("renew a job lock"), self._engine.begin() as connection:
            return connection.execute(extend).rowcount == 1

    def release(self, job: str, owner: str) -> None:
        c = job_locks.c
        give_back = (
            sa.update(job_locks)
            .where(c.job == job, c.owner == owner)
            .values(owner="", expires_at=NEVER)
        )
        with database_errors("release a job lock"), self._engine.begin() as connection:
            connection.execute(give_back)

    def holder(self, job: str) -> str | None:
        c = job_locks.c
        query = sa.select(c.owner).where(c.job == job, c.expires_at > self._now())
        with database_errors("read a job lock"), self._engine.connect() as connection:
            owner = connection.execute(query).scalar()
        return str(owner) if owner else None


class SqlJobRuns:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine

    def start(self, run: JobRun) -> None:
        with database_errors("record a job run"), self._engine.begin() as connection:
            connection.execute(sa.insert(job_runs), _run_row(run))

    def finish(self, run: JobRun) -> None:
        row = _run_row(run)
        del row["run_id"]
        update = sa.update(job_runs).where(job_runs.c.run_id == run.run_id)
        with database_errors("record a job run"), self._engine.begin() as connection:
            connection.execute(update.values(**row))

    def unfinished(self, job: str) -> Sequence[JobRun]:
        c = job_runs.c
        query = sa.select(job_runs).where(
            c.job == job, c.status == JobStatus.RUNNING.value
        )
        return self._select(query)

    def history(self, job: str | None = None, limit: int = 50) -> Sequence[JobRun]:
        c = job_runs.c
        query = sa.select(job_runs).order_by(c.started_at.desc(), c.run_id.desc())
        if job is not None:
            query = query.where(c.job == job)
        return self._select(query.limit(limit))

    def _select(self, query: sa.Select[Any]) -> list[JobRun]:
        with database_errors("read job runs"), self._engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            JobRun(
                run_id=row["run_id"],
                job=row["job"],
                owner=row["owner"],
                started_at=row["started_at"],
                status=JobStatus(row["status"]),
                finished_at=row["finished_at"],
                counts=row["counts"],
                errors=tuple(row["errors"]),
                stopped_at=row["stopped_at"],
            )
            for row in rows
        ]


def _run_row(run: JobRun) -> dict[str, Any]:
    return {
        "run_id": run.run_id,
        "job": run.job,
        "owner": run.owner,
        "status": run.status.value,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "counts": run.counts,
        "errors": list(run.errors),
        "stopped_at": run.stopped_at,
    }


class SqlCheckpoints:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        insert = _insert(engine)(job_checkpoints)
        self._upsert = insert.on_conflict_do_update(
            index_elements=[job_checkpoints.c.job, job_checkpoints.c.input],
            set_={
                name: insert.excluded[name]
                for name in ("position", "counts", "saved_at")
            },
        )

    def get(self, job: str, input: str) -> Checkpoint | None:
        c = job_checkpoints.c
        query = sa.select(job_checkpoints).where(c.job == job, c.input == input)
        with database_errors("read a checkpoint"), self._engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        if row is None:
            return None
        return Checkpoint(
            job=row["job"],
            input=row["input"],
            position=row["position"],
            counts=row["counts"],
            saved_at=row["saved_at"],
        )

    def save(self, checkpoint: Checkpoint) -> None:
        row = {
            "job": checkpoint.job,
            "input": checkpoint.input,
            "position": checkpoint.position,
            "counts": checkpoint.counts,
            "saved_at": checkpoint.saved_at,
        }
        with database_errors("save a checkpoint"), self._engine.begin() as connection:
            connection.execute(self._upsert, row)

    def clear(self, job: str, input: str) -> None:
        c = job_checkpoints.c
        delete = sa.delete(job_checkpoints).where(c.job == job, c.input == input)
        with database_errors("clear a checkpoint"), self._engine.begin() as connection:
            connection.execute(delete)


class SqlSourceRecords:
    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        c = source_records.c
        insert = _insert(engine)(source_records)
        self._upsert = insert.on_conflict_do_update(
            index_elements=[c.source, c.source_key],
            set_={
                name: insert.excluded[name]
                for name in (
                    "customer_id",
                    "record_hash",
                    "record_values",
                    "received_at",
                    "file",
                )
            },
        )
        self._get = sa.select(source_records).where(
            c.source == sa.bindparam("source"),
            c.source_key == sa.bindparam("source_key"),
        )

    def get(self, source: str, source_key: str) -> SourceRecord | None:
        reading = database_errors("read a source record")
        with reading, self._engine.connect() as connection:
            row = (
                connection.execute(
                    self._get, {"source": source, "source_key": source_key}
                )
                .mappings()
                .first()
            )
        if row is None:
            return None
        return SourceRecord(
            source=row["source"],
            source_key=row["source_key"],
            customer_id=row["customer_id"],
            record_hash=row["record_hash"],
            values=row["record_values"],
            received_at=row["received_at"],
            file=row["file"],
        )

    def put_many(self, records: Sequence[SourceRecord]) -> None:
        if not records:
            return
        rows = [
            {
                "source": record.source,
                "source_key": record.source_key,
                "customer_id": record.customer_id,
                "record_hash": record.record_hash,
                "record_values": record.values,
                "received_at": record.received_at,
                "file": record.file,
            }
            for record in records
        ]
        storing = database_errors("store source records")
        with storing, self._engine.begin() as connection:
            connection.execute(self._upsert, rows)
