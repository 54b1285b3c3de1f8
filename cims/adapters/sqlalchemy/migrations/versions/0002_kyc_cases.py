"""KYC cases: one versioned JSON document per customer.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

customer_id = sa.String(64).with_variant(
    postgresql.VARCHAR(64, collation="C"), "postgresql"
)


def upgrade() -> None:
    op.create_table(
        "kyc_cases",
        sa.Column("customer_id", customer_id, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("document", sa.JSON, nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name="pk_kyc_cases"),
    )


def downgrade() -> None:
    op.drop_table("kyc_cases")
