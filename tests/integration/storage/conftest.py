"""Fixtures for the storage tests: a fresh store per test on each backend."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from cims.adapters.sqlalchemy import SqlStore, upgrade
from tests.support.postgres import empty_postgres_url, postgres_url

__all__ = ["empty_postgres_url", "postgres_url"]

TABLES = (
    "customers",
    "outbox",
    "idempotency_keys",
    "relay_lease",
    "kyc_cases",
    "customer_search_keys",
    "customer_lineage",
    "duplicate_reviews",
    "customer_activities",
)


@pytest.fixture(scope="session")
def migrated_postgres_url(postgres_url: str) -> str:
    upgrade(postgres_url)
    return postgres_url


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/data/cims.db"
    upgrade(url)
    return url


@pytest.fixture
def pg_url(migrated_postgres_url: str) -> str:
    """The session's PostgreSQL database, emptied for this test."""
    engine = sa.create_engine(migrated_postgres_url, poolclass=sa.NullPool)
    with engine.begin() as connection:
        connection.execute(sa.text(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY"))
    engine.dispose()
    return migrated_postgres_url


@pytest.fixture
def sqlite_store(sqlite_url: str) -> Iterator[SqlStore]:
    store = SqlStore(sqlite_url)
    yield store
    store.close()


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[SqlStore]:
    store = SqlStore(pg_url)
    yield store
    store.close()
