"""Customers, outbox, idempotency keys and the relay lease.

Revision ID: 0001
Revises:
Create Date: 2024-06-01

Written out in full rather than importing the live schema, so this step keeps
creating exactly what it created the day it shipped.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

customer_id = sa.String(64).with_variant(
    postgresql.VARCHAR(64, collation="C"), "postgresql"
)
timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", customer_id, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kyc_status", sa.String(16), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("updated_at", timestamp, nullable=False),
        sa.Column("email_key", sa.Text(), nullable=True),
        sa.Column("phone_key", sa.Text(), nullable=True),
        sa.Column("last_name_key", sa.Text(), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
    )
    for column in ("email_key", "phone_key", "last_name_key", "kyc_status"):
        op.create_index(f"ix_customers_{column}_id", "customers", [column, "id"])

    op.create_table(
        "outbox",
        sa.Column(
            "position",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("topic", sa.String(200), nullable=False),
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.Column("published_at", timestamp, nullable=True),
        sa.PrimaryKeyConstraint("position", name="pk_outbox"),
    )
    op.create_index(
        "ix_outbox_unpublished",
        "outbox",
        ["position"],
        postgresql_where=sa.text("published_at IS NULL"),
        sqlite_where=sa.text("published_at IS NULL"),
    )

    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("fingerprint", sa.String(128), nullable=False),
        sa.Column("customer_id", customer_id, nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_at", timestamp, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_idempotency_keys"),
    )
    op.create_index(
        "ix_idempotency_keys_created_at", "idempotency_keys", ["created_at"]
    )

    op.create_table(
        "relay_lease",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("expires_at", timestamp, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_relay_lease"),
    )


def downgrade() -> None:
    op.drop_table("relay_lease")
    op.drop_table("idempotency_keys")
    op.drop_index("ix_outbox_unpublished", table_name="outbox")
    op.drop_table("outbox")
    for column in ("email_key", "phone_key", "last_name_key", "kyc_status"):
        op.drop_index(f"ix_customers_{column}_id", table_name="customers")
    op.drop_table("customers")
