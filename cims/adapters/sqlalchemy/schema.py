"""The SQL tables CIMS keeps customers, outbox messages and idempotency keys in.

Customers are one row each: the profile is a JSON document (see
`translation`), beside it the normalised search keys in their own columns,
each indexed together with `id` so a filtered keyset page is one index range
scan. Reading a customer is one primary-key lookup, no joins.

The migrations in `migrations/versions` create exactly these tables; the
migration test compares the two.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "pk": "pk_%(table_name)s",
    }
)


class UtcDateTime(sa.TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware in UTC.

    SQLite keeps no zone at all and PostgreSQL answers in the session's zone;
    this makes both hand back what was stored.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: dt.datetime | None, dialect: sa.Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"timestamps must be timezone-aware; got {value!r}")
        utc = value.astimezone(dt.UTC)
        return utc.replace(tzinfo=None) if dialect.name == "sqlite" else utc

    def process_result_value(
        self, value: Any, dialect: sa.Dialect
    ) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# Ids are compared byte by byte ("C" collation) so keyset pages come in the
# same order on every backend and in Python, whatever the server's locale.
CustomerId = sa.String(64).with_variant(
    postgresql.VARCHAR(64, collation="C"), "postgresql"
)

# SQLite only auto-increments an INTEGER PRIMARY KEY (the rowid alias).
Position = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

customers = sa.Table(
    "customers",
    metadata,
    sa.Column("id", CustomerId, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("kyc_status", sa.String(16), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("email_key", sa.Text, nullable=True),
    sa.Column("phone_key", sa.Text, nullable=True),
    sa.Column("last_name_key", sa.Text, nullable=False),
    # Plain JSON, not JSONB: nothing queries inside it, it is cheaper to
    # write, and it keeps text (such as U+0000) that JSONB refuses.
    sa.Column("profile", sa.JSON, nullable=False),
    sa.Index(None, "email_key", "id"),
    sa.Index(None, "phone_key", "id"),
    sa.Index(None, "last_name_key", "id"),
    sa.Index(None, "kyc_status", "id"),
)

outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("position", Position, primary_key=True, autoincrement=True),
    sa.Column("topic", sa.String(200), nullable=False),
    sa.Column("key", sa.Text, nullable=False),
    sa.Column("value", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("published_at", UtcDateTime, nullable=True),
)
# The relay only ever reads unpublished rows in position order; a partial
# index keeps that read small however long the published history grows.
sa.Index(
    "ix_outbox_unpublished",
    outbox.c.position,
    postgresql_where=outbox.c.published_at.is_(None),
    sqlite_where=outbox.c.published_at.is_(None),
)

idempotency_keys = sa.Table(
    "idempotency_keys",
    metadata,
    sa.Column("key", sa.Text, primary_key=True),
    sa.Column("fingerprint", sa.String(128), nullable=False),
    sa.Column("customer_id", CustomerId, nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False, index=True),
)

relay_lease = sa.Table(
    "relay_lease",
    metadata,
    sa.Column("name", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
)

# KYC cases: one versioned JSON document per customer (see cims.domain.kyc.codec).
# Kept when the customer is deleted: KYC evidence has its own retention period.
kyc_cases = sa.Table(
    "kyc_cases",
    metadata,
    sa.Column("customer_id", CustomerId, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
)

# Customer activity: appended, never changed; read newest first per customer.
customer_activities = sa.Table(
    "customer_activities",
    metadata,
    sa.Column("id", CustomerId, primary_key=True),
    sa.Column("customer_id", CustomerId, nullable=False),
    sa.Column("type", sa.String(32), nullable=False),
    sa.Column("channel", sa.String(200), nullable=True),
    sa.Column("details", sa.JSON, nullable=False),
    sa.Column("occurred_at", UtcDateTime, nullable=False),
    sa.Column("recorded_at", UtcDateTime, nullable=False),
    sa.Column("recorded_by", sa.String(200), nullable=False),
    sa.Index(None, "customer_id", "id"),
)

# Batch jobs (migration 0003_jobs): one lock row per job, the run history,
# the last checkpoint per job and input, and source records fed by the sync.
job_locks = sa.Table(
    "job_locks",
    metadata,
    sa.Column("job", sa.String(64), primary_key=True),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("expires_at", UtcDateTime, nullable=False),
)

job_runs = sa.Table(
    "job_runs",
    metadata,
    sa.Column("run_id", sa.String(64), primary_key=True),
    sa.Column("job", sa.String(64), nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("finished_at", UtcDateTime, nullable=True),
    sa.Column("counts", sa.JSON, nullable=False),
    sa.Column("errors", sa.JSON, nullable=False),
    sa.Column("stopped_at", sa.Text, nullable=True),
    sa.Index(None, "job", "started_at"),
    sa.Index(None, "started_at"),
)

job_checkpoints = sa.Table(
    "job_checkpoints",
    metadata,
    sa.Column("job", sa.String(64), primary_key=True),
    sa.Column("input", sa.String(500), primary_key=True),
    sa.Column("position", sa.BigInteger, nullable=False),
    sa.Column("counts", sa.JSON, nullable=False),
    sa.Column("saved_at", UtcDateTime, nullable=True),
)

source_records = sa.Table(
    "source_records",
    metadata,
    sa.Column("source", sa.String(64), primary_key=True),
    sa.Column("source_key", sa.String(200), primary_key=True),
    sa.Column("customer_id", CustomerId, nullable=False, index=True),
    sa.Column("record_hash", sa.String(64), nullable=False),
    sa.Column("record_values", sa.JSON, nullable=False),
    sa.Column("received_at", UtcDateTime, nullable=False),
    sa.Column("file", sa.Text, nullable=True),
)

# Merging and search (migration 0004): every customer's retrieval keys (see
# `cims.domain.search_keys.match_keys`), one row per key, read by (kind,
# value) and rewritten with the customer; its lineage (source records, merge
# history, `merged_into` for a merged-away id), one versioned JSON document per
# customer id; and the duplicate review queue, one versioned row per pair.
customer_search_keys = sa.Table(
    "customer_search_keys",
    metadata,
    sa.Column("kind", sa.String(2), primary_key=True),
    sa.Column("value", sa.String(200), primary_key=True),
    sa.Column("customer_id", CustomerId, primary_key=True),
    sa.Index(None, "customer_id"),
)

customer_lineage = sa.Table(
    "customer_lineage",
    metadata,
    sa.Column("customer_id", CustomerId, primary_key=True),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("merged_into", CustomerId, nullable=True),
    sa.Column("document", sa.JSON, nullable=False),
)

duplicate_reviews = sa.Table(
    "duplicate_reviews",
    metadata,
    # "C" collation, as for ids: pages come in the same order everywhere.
    sa.Column(
        "pair_id",
        sa.String(200).with_variant(
            postgresql.VARCHAR(200, collation="C"), "postgresql"
        ),
        primary_key=True,
    ),
    sa.Column("version", sa.Integer, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("document", sa.JSON, nullable=False),
    sa.Index(None, "status", "pair_id"),
)
