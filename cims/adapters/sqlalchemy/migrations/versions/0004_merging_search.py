"""Merging and search: retrieval keys, customer lineage, duplicate reviews.

Existing customers get their retrieval keys computed here, in batches.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

customer_id = sa.String(64).with_variant(
    postgresql.VARCHAR(64, collation="C"), "postgresql"
)
pair_id = sa.String(200).with_variant(
    postgresql.VARCHAR(200, collation="C"), "postgresql"
)
BATCH = 5000


def upgrade() -> None:
    keys = op.create_table(
        "customer_search_keys",
        sa.Column("kind", sa.String(2), nullable=False),
        sa.Column("value", sa.String(200), nullable=False),
        sa.Column("customer_id", customer_id, nullable=False),
        sa.PrimaryKeyConstraint(
            "kind", "value", "customer_id", name="pk_customer_search_keys"
        ),
    )
    op.create_index(
        "ix_customer_search_keys_customer_id", "customer_search_keys", ["customer_id"]
    )
    op.create_table(
        "customer_lineage",
        sa.Column("customer_id", customer_id, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("merged_into", customer_id, nullable=True),
        sa.Column("document", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name="pk_customer_lineage"),
    )
    op.create_table(
        "duplicate_reviews",
        sa.Column("pair_id", pair_id, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("pair_id", name="pk_duplicate_reviews"),
    )
    op.create_index(
        "ix_duplicate_reviews_status_pair_id",
        "duplicate_reviews",
        ["status", "pair_id"],
    )
    _backfill_keys(keys)


def _backfill_keys(keys: sa.Table) -> None:
    # Imported here: the key rules are the domain's, applied to stored rows.
    from cims.adapters.sqlalchemy.schema import customers
    from cims.adapters.sqlalchemy.search import key_rows
    from cims.adapters.sqlalchemy.translation import READ_COLUMNS, customer_from_row

    connection = op.get_bind()
    after = ""
    while True:
        rows = connection.execute(
            sa.select(*READ_COLUMNS)
            .where(customers.c.id > after)
            .order_by(customers.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        found = [customer_from_row(row) for row in rows]
        inserted = [row for customer in found for row in key_rows(customer)]
        if inserted:
            connection.execute(sa.insert(keys), inserted)
        after = found[-1].id


def downgrade() -> None:
    op.drop_index("ix_duplicate_reviews_status_pair_id", table_name="duplicate_reviews")
    op.drop_table("duplicate_reviews")
    op.drop_table("customer_lineage")
    op.drop_index(
        "ix_customer_search_keys_customer_id", table_name="customer_search_keys"
    )
    op.drop_table("customer_search_keys")
