"""Batch jobs: job locks, run history, checkpoints, source records.

Revision ID: 0003
Revises: 0002
Create Date: 2024-06-10
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

customer_id = sa.String(64).with_variant(
    postgresql.VARCHAR(64, collation="C"), "postgresql"
)
timestamp = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "job_locks",
        sa.Column("job", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("expires_at", timestamp, nullable=False),
        sa.PrimaryKeyConstraint("job", name="pk_job_locks"),
    )

    op.create_table(
        "job_runs",
        sa.Column("run_id", sa.String(64), nullable=False),
        sa.Column("job", sa.String(64), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", timestamp, nullable=False),
        sa.Column("finished_at", timestamp, nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("errors", sa.JSON(), nullable=False),
        sa.Column("stopped_at", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", name="pk_job_runs"),
    )
    op.create_index("ix_job_runs_job_started_at", "job_runs", ["job", "started_at"])
    op.create_index("ix_job_runs_started_at", "job_runs", ["started_at"])

    op.create_table(
        "job_checkpoints",
        sa.Column("job", sa.String(64), nullable=False),
        sa.Column("input", sa.String(500), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("saved_at", timestamp, nullable=True),
        sa.PrimaryKeyConstraint("job", "input", name="pk_job_checkpoints"),
    )

    op.create_table(
        "source_records",
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("source_key", sa.String(200), nullable=False),
        sa.Column("customer_id", customer_id, nullable=False),
        sa.Column("record_hash", sa.String(64), nullable=False),
        sa.Column("record_values", sa.JSON(), nullable=False),
        sa.Column("received_at", timestamp, nullable=False),
        sa.Column("file", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("source", "source_key", name="pk_source_records"),
    )
    op.create_index("ix_source_records_customer_id", "source_records", ["customer_id"])


def downgrade() -> None:
    op.drop_index("ix_source_records_customer_id", table_name="source_records")
    op.drop_table("source_records")
    op.drop_table("job_checkpoints")
    op.drop_index("ix_job_runs_started_at", table_name="job_runs")
    op.drop_index("ix_job_runs_job_started_at", table_name="job_runs")
    op.drop_table("job_runs")
    op.drop_table("job_locks")
