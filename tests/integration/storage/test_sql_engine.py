"""How the SQL store sets up its database connections."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from cims.adapters.sqlalchemy import SqlStore
from cims.adapters.sqlalchemy.engine import database_url
from cims.domain.errors import InvalidInput, ServiceUnavailable


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(
    tmp_path: Path,
) -> None:
    store = SqlStore(f"sqlite:///{tmp_path}/a/b/cims.db", busy_timeout=7.5)

    with store.engine.connect() as connection:
        pragma = connection.exec_driver_sql
        settings = (
            pragma("PRAGMA journal_mode").scalar(),
            pragma("PRAGMA foreign_keys").scalar(),
            pragma("PRAGMA busy_timeout").scalar(),
        )
    store.close()

    assert settings == ("wal", 1, 7500)
    assert (tmp_path / "a" / "b" / "cims.db").exists()


def test_a_plain_postgresql_url_is_read_as_psycopg_3() -> None:
    url = database_url("postgresql://cims@db.internal/cims")

    assert url.drivername == "postgresql+psycopg"


@pytest.mark.parametrize("url", ["mysql://db/cims", "sqlite://", "sqlite:///:memory:"])
def test_unsupported_database_urls_are_refused_with_the_reason(url: str) -> None:
    with pytest.raises(InvalidInput, match="database url must"):
        database_url(url)


def test_a_sqlite_write_lock_held_past_the_busy_timeout_is_service_unavailable(
    sqlite_url: str,
) -> None:
    store = SqlStore(sqlite_url, busy_timeout=0.2)
    blocker = sa.create_engine(sqlite_url, poolclass=sa.NullPool)

    with blocker.connect() as connection:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        with (
            pytest.raises(ServiceUnavailable, match="locked"),
            store.unit_of_work() as uow,
        ):
            uow.customers.get("anyone")
        connection.exec_driver_sql("ROLLBACK")

    blocker.dispose()
    store.close()
