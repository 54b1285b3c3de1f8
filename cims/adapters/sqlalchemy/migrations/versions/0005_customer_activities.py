"""Customer activity log.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

identifier = sa.String(64).with_variant(
    postgresql.VARCHAR(64, collation="C"), "postgresql"
)
timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "customer_activities",
        sa.Column("id", identifier, nullable=False),
        sa.Column("customer_id", identifier, nullable=False),
        sa.Column("type", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(200), nullable=True),
        sa.Column("details", sa.JSON, nullable=False),
        sa.Column("occurred_at", timestamp, nullable=False),
        sa.Column("recorded_at", timestamp, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_customer_activities"),
    )
    op.create_index(
        "ix_customer_activities_customer_id_id",
        "customer_activities",
        ["customer_id", "id"],
    )


def downgrade() -> None:
    op.drop_table("customer_activities")
