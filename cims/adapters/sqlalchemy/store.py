"""SQL storage: customers, outbox and idempotency keys in SQLite or PostgreSQL.

`SqlStore` has the shape of `MemoryStore`: `unit_of_work()` for the use
cases, and `pending()` / `mark_published()` for the event relay.

A unit of work is one connection and one database transaction. Writes use
optimistic concurrency: `UPDATE ... WHERE id = :id AND version = :expected`,
and no row changed means `VersionConflict`. Events go into the outbox table
in the same transaction as the change they describe.

Idempotency keys: on PostgreSQL, reading a key first takes a transaction
advisory lock on it, so two concurrent requests with one key run one after
the other and the second sees (and replays) the first. On SQLite every
transaction already holds the write lock (see `engine`).

Several relays, one publisher: `pending()` and `mark_published()` each run
in a short transaction that first takes or renews a lease, the single row of
`relay_lease` (owner, expires_at). The lease is taken only if this store
already owns it or it has expired; a relay that cannot take it gets no
messages. So at most one relay publishes at a time, messages leave in
position order, and nothing is published twice while the holder stays alive
and finishes each batch within the lease time. A relay that dies stops
others for at most `relay_lease`; `close()` hands the lease back at once.
Messages a relay published after losing its lease are still marked (and a
warning logged): the next holder may publish them again, which consumers
tolerate because delivery is at least once.

LIMITATION: lease expiry is judged by each relay's own clock; hosts running
relays need clocks in sync to well within the lease time.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections.abc import Callable, Collection, Sequence
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from cims.adapters.sqlalchemy.activity import SqlActivityLog
from cims.adapters.sqlalchemy.engine import build_engine
from cims.adapters.sqlalchemy.errors import database_errors
from cims.adapters.sqlalchemy.kyc import SqlKycRepository
from cims.adapters.sqlalchemy.merging import SqlLineageRepository, SqlReviewRepository
from cims.adapters.sqlalchemy.migrate import upgrade_engine
from cims.adapters.sqlalchemy.schema import (
    customers,
    idempotency_keys,
    outbox,
    relay_lease,
)
from cims.adapters.sqlalchemy.search import (
    DELETE_KEYS,
    INSERT_KEYS,
    key_rows,
    search_statement,
)
from cims.adapters.sqlalchemy.translation import (
    READ_COLUMNS,
    customer_from_row,
    customer_row,
)
from cims.domain.customer import Customer
from cims.domain.errors import ServiceUnavailable, VersionConflict
from cims.domain.events import DomainEvent
from cims.ports.outbound.activity import ActivityLog
from cims.ports.outbound.events import EventOutbox, OutboxMessage
from cims.ports.outbound.idempotency import IdempotencyStore, IdempotentResponse
from cims.ports.outbound.kyc import KycRepository
from cims.ports.outbound.merging import LineageRepository, ReviewRepository
from cims.ports.outbound.repositories import (
    CustomerPage,
    CustomerQuery,
    CustomerRepository,
)

logger = logging.getLogger(__name__)

LEASE_NAME = "outbox"
NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
# Namespace for advisory locks on idempotency keys ("CIMS" in ASCII).
IDEMPOTENCY_LOCKS = 0x43494D53

Now = Callable[[], dt.datetime]


def _utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class _Statements:
    """Statements built once per store; SQLAlchemy then reuses their compiled form."""

    def __init__(self, backend: str) -> None:
        self.backend = backend
        insert = postgresql.insert if backend == "postgresql" else sqlite.insert
        c = customers.c

        self.get_customer = sa.select(*READ_COLUMNS).where(c.id == sa.bindparam("id"))
        self.customer_version = sa.select(c.version).where(c.id == sa.bindparam("id"))
        # SQLAlchemy reports an INSERT's rowcount only when asked to.
        self.add_customer = (
            insert(customers)
            .on_conflict_do_nothing(index_elements=[c.id])
            .execution_options(preserve_rowcount=True)
        )
        self.update_customer = sa.update(customers).where(
            c.id == sa.bindparam("match_id"),
            c.version == sa.bindparam("expected_version"),
        )
        self.remove_customer = sa.delete(customers).where(
            c.id == sa.bindparam("match_id"),
            c.version == sa.bindparam("expected_version"),
        )

        self.add_messages = sa.insert(outbox)

        self.get_key = sa.select(idempotency_keys).where(
            idempotency_keys.c.key == sa.bindparam("key")
        )
        put = insert(idempotency_keys)
        self.put_key = put.on_conflict_do_update(
            index_elements=[idempotency_keys.c.key],
            set_={
                name: put.excluded[name]
                for name in ("fingerprint", "customer_id", "document", "created_at")
            },
        )
        self.lock_key = sa.select(
            sa.func.pg_advisory_xact_lock(
                IDEMPOTENCY_LOCKS, sa.func.hashtext(sa.bindparam("key", type_=sa.Text))
            )
        )

        self.seed_lease = insert(relay_lease).on_conflict_do_nothing(
            index_elements=[relay_lease.c.name]
        )
        self.take_lease = (
            sa.update(relay_lease)
            .where(
                relay_lease.c.name == LEASE_NAME,
                sa.or_(
                    relay_lease.c.owner == sa.bindparam("me"),
                    relay_lease.c.expires_at < sa.bindparam("now"),
                ),
            )
            .values(owner=sa.bindparam("me"), expires_at=sa.bindparam("until"))
        )
        self.release_lease = (
            sa.update(relay_lease)
            .where(
                relay_lease.c.name == LEASE_NAME,
                relay_lease.c.owner == sa.bindparam("me"),
            )
            .values(expires_at=NEVER)
        )
        self.pending = (
            sa.select(outbox)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.position)
            .limit(sa.bindparam("limit"))
        )
        self.mark_published = (
            sa.update(outbox)
            .where(
                outbox.c.position.in_(sa.bindparam("positions", expanding=True)),
                outbox.c.published_at.is_(None),
            )
            .values(published_at=sa.bindparam("now"))
        )


class SqlStore:
    """Customers, outbox and idempotency keys in one SQL database.

    Args:
        url: `sqlite:///path/to/cims.db` or `postgresql+psycopg://...`.
        migrate: bring the schema up to date (Alembic) before first use.
        relay_lease: how long a relay keeps the outbox to itself after its
            last `pending()` or `mark_published()`.
        relay_owner: this store's name in the lease; unique per process by
            default.
        engine_options: passed to `build_engine` (pool size, timeouts).
    """

    def __init__(
        self,
        url: str,
        *,
        migrate: bool = False,
        relay_lease: dt.timedelta = dt.timedelta(seconds=30),
        relay_owner: str | None = None,
        clock: Now = _utc_now,
        **engine_options: Any,
    ) -> None:
        self.engine = build_engine(url, **engine_options)
        self.relay_owner = relay_owner or (
            f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        )
        self._relay_lease = relay_lease
        self._held_lease = False
        self._now = clock
        self._statements = _Statements(self.engine.dialect.name)
        if migrate:
            with database_errors("migrate the schema"):
                upgrade_engine(self.engine)

    def unit_of_work(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, self._statements, self._now)

    # The outbox reader side, used by the relay.
    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        """The oldest unpublished messages; none while another relay holds the lease."""
        with database_errors("read the outbox"), self.engine.begin() as connection:
            if not self._take_lease(connection):
                logger.debug("relay %s: another relay holds the outbox lease", self)
                return []
            rows = connection.execute(self._statements.pending, {"limit": limit})
            return [
                OutboxMessage(
                    position=row.position,
                    topic=row.topic,
                    key=row.key,
                    value=row.value,
                    created_at=row.created_at,
                )
                for row in rows
            ]

    def mark_published(self, positions: Sequence[int]) -> None:
        if not positions:
            return

        marking = database_errors("mark outbox messages published")
        with marking, self.engine.begin() as connection:
            if not self._take_lease(connection):
                logger.warning(
                    "relay %s lost the outbox lease before marking %d messages "
                    "published; the relay now holding it may publish them again",
                    self.relay_owner,
                    len(positions),
                )
            connection.execute(
                self._statements.mark_published,
                {"positions": list(positions), "now": self._now()},
            )

    def close(self) -> None:
        """Hand back the relay lease if held, and close every pooled connection."""
        if not self._held_lease:
            self.engine.dispose()
            return

        try:
            releasing = database_errors("release the relay lease")
            with releasing, self.engine.begin() as connection:
                connection.execute(
                    self._statements.release_lease, {"me": self.relay_owner}
                )
        except (ServiceUnavailable, sa.exc.DBAPIError) as ex:
            # Closing must not fail; the lease then simply runs out.
            logger.warning("could not release the relay lease on close: %s", ex)
        self.engine.dispose()

    def _take_lease(self, connection: sa.Connection) -> bool:
        now = self._now()
        connection.execute(
            self._statements.seed_lease,
            {"name": LEASE_NAME, "owner": "", "expires_at": NEVER},
        )
        taken = connection.execute(
            self._statements.take_lease,
            {"me": self.relay_owner, "now": now, "until": now + self._relay_lease},
        )
        self._held_lease = taken.rowcount == 1
        return self._held_lease

    def __repr__(self) -> str:
        return f"SqlStore({self.engine.url!r}, relay_owner={self.relay_owner!r})"


class SqlCustomerRepository:
    def __init__(self, connection: sa.Connection, statements: _Statements) -> None:
        self._connection = connection
        self._sql = statements

    def get(self, customer_id: str) -> Customer | None:
        with database_errors("read a customer"):
            row = self._connection.execute(
                self._sql.get_customer, {"id": customer_id}
            ).first()
        return customer_from_row(row) if row is not None else None

    def add(self, customer: Customer) -> None:
        with database_errors("add a customer"):
            added = self._connection.execute(
                self._sql.add_customer, customer_row(customer)
            )
            if added.rowcount == 0:
                raise VersionConflict(customer.id, 0, self._version(customer.id))
            self._write_keys(customer)

    def update(self, customer: Customer, expected_version: int) -> None:
        row = customer_row(customer)
        del row["id"]
        with database_errors("update a customer"):
            updated = self._connection.execute(
                self._sql.update_customer,
                {**row, "match_id": customer.id, "expected_version": expected_version},
            )
            if updated.rowcount != 1:
                actual = self._version(customer.id)
                raise VersionConflict(customer.id, expected_version, actual)
            self._connection.execute(DELETE_KEYS, {"match_id": customer.id})
            self._write_keys(customer)

    def remove(self, customer_id: str, expected_version: int) -> None:
        with database_errors("remove a customer"):
            removed = self._connection.execute(
                self._sql.remove_customer,
                {"match_id": customer_id, "expected_version": expected_version},
            )
            if removed.rowcount != 1:
                actual = self._version(customer_id)
                raise VersionConflict(customer_id, expected_version, actual)
            self._connection.execute(DELETE_KEYS, {"match_id": customer_id})

    def list(self, query: CustomerQuery) -> CustomerPage:
        c = customers.c
        statement = sa.select(*READ_COLUMNS)
        if query.email is not None:
            statement = statement.where(c.email_key == query.email)
        if query.phone is not None:
            statement = statement.where(c.phone_key == query.phone)
        if query.last_name is not None:
            statement = statement.where(c.last_name_key == query.last_name)
        if query.kyc_status is not None:
            statement = statement.where(c.kyc_status == query.kyc_status.value)
        if query.after is not None:
            statement = statement.where(c.id > query.after)
        # One row more than asked tells whether another page follows.
        statement = statement.order_by(c.id).limit(query.limit + 1)

        with database_errors("list customers"):
            rows = self._connection.execute(statement).all()
        found = [customer_from_row(row) for row in rows[: query.limit]]
        more = len(rows) > query.limit
        return CustomerPage(found, found[-1].id if more else None)

    def _write_keys(self, customer: Customer) -> None:
        rows = key_rows(customer)
        if rows:
            self._connection.execute(INSERT_KEYS, rows)

    def search(self, keys: Collection[str], limit: int) -> Sequence[Customer]:
        if not keys:
            return []
        with database_errors("search customers"):
            rows = self._connection.execute(search_statement(keys, limit)).all()
        return [customer_from_row(row) for row in rows]

    def _version(self, customer_id: str) -> int | None:
        version = self._connection.execute(
            self._sql.customer_version, {"id": customer_id}
        ).scalar()
        return None if version is None else int(version)


class SqlOutbox:
    def __init__(
        self, connection: sa.Connection, statements: _Statements, now: Now
    ) -> None:
        self._connection = connection
        self._sql = statements
        self._now = now

    def add(self, events: Sequence[DomainEvent]) -> None:
        if not events:
            return

        now = self._now()
        rows = [
            {
                "topic": event.topic,
                "key": event.customer_id,
                "value": event.to_message(),
                "created_at": now,
            }
            for event in events
        ]
        with database_errors("record events"):
            self._connection.execute(self._sql.add_messages, rows)


class SqlIdempotencyStore:
    def __init__(self, connection: sa.Connection, statements: _Statements) -> None:
        self._connection = connection
        self._sql = statements

    def get(self, key: str) -> IdempotentResponse | None:
        with database_errors("read an idempotency key"):
            if self._sql.backend == "postgresql":
                # Held to the end of the transaction: a concurrent request with
                # the same key waits here, then reads what this one stored.
                self._connection.execute(self._sql.lock_key, {"key": key})
            row = self._connection.execute(self._sql.get_key, {"key": key}).first()
        if row is None:
            return None
        return IdempotentResponse(
            key=row.key,
            fingerprint=row.fingerprint,
            customer_id=row.customer_id,
            document=row.document,
            created_at=row.created_at,
        )

    def put(self, response: IdempotentResponse) -> None:
        with database_errors("store an idempotency key"):
            self._connection.execute(
                self._sql.put_key,
                {
                    "key": response.key,
                    "fingerprint": response.fingerprint,
                    "customer_id": response.customer_id,
                    "document": response.document,
                    "created_at": response.created_at,
                },
            )


class SqlUnitOfWork:
    """One connection, one transaction; rolled back unless committed."""

    # Typed as the ports: the UnitOfWork protocol's attributes are invariant.
    customers: CustomerRepository
    kyc: KycRepository
    activities: ActivityLog
    outbox: EventOutbox
    idempotency: IdempotencyStore
    lineage: LineageRepository
    reviews: ReviewRepository

    def __init__(self, engine: sa.Engine, statements: _Statements, now: Now) -> None:
        self._engine = engine
        self._sql = statements
        self._now = now
        self._connection: sa.Connection | None = None

    def __enter__(self) -> Self:
        with database_errors("open a connection"):
            connection = self._engine.connect()
        self._connection = connection
        self.customers = SqlCustomerRepository(connection, self._sql)
        self.kyc = SqlKycRepository(connection)
        self.activities = SqlActivityLog(connection)
        self.outbox = SqlOutbox(connection, self._sql, self._now)
        self.idempotency = SqlIdempotencyStore(connection, self._sql)
        self.lineage = SqlLineageRepository(connection)
        self.reviews = SqlReviewRepository(connection)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        connection = self._connection
        self._connection = None
        if connection is None:
            return

        try:
            with database_errors("roll back"):
                connection.rollback()
        except ServiceUnavailable:
            # The connection is gone, and with it the transaction. Let the
            # error that ended the block, if any, be the one the caller sees.
            if exc is None:
                raise
        finally:
            connection.close()

    def commit(self) -> None:
        """Make everything done so far permanent; the block may go on after it.

        LIMITATION: if the connection drops while the commit is in flight,
        the caller gets ServiceUnavailable without knowing whether the commit
        landed; idempotency keys make a retried registration safe.
        """
        assert self._connection is not None, "commit() outside the with block"
        with database_errors("commit"):
            self._connection.commit()
