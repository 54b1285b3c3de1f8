"""Job adapters on SQLite and PostgreSQL, freshly migrated for each test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from cims.adapters.sqlalchemy import SqlStore, upgrade
from tests.support.postgres import postgres_url

__all__ = ["postgres_url"]

TABLES = (
    "customers",
    "outbox",
    "idempotency_keys",
    "relay_lease",
    "job_locks",
    "job_runs",
    "job_checkpoints",
    "source_records",
)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path}/cims.db"
        upgrade(url)
        return url

    url = request.getfixturevalue("postgres_url")
    upgrade(url)
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY"))
    engine.dispose()
    return url


@pytest.fixture
def sql_store(database_url: str) -> Iterator[SqlStore]:
    store = SqlStore(database_url)
    yield store
    store.close()
