"""Throwaway PostgreSQL databases for tests, or a clear skip when there is no server.

The server comes from `CIMS_TEST_POSTGRES_URL` (default: the local `test`
database); that database is only used to create and drop per-run databases
named `cims_test_<random>`. Without a reachable server the tests skip, unless
`CIMS_REQUIRE_SERVICES=1`, in which case they fail.

Root conftest wiring::

    from tests.support.postgres import postgres_url  # noqa: F401
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from cims.adapters.sqlalchemy.engine import database_url

DEFAULT_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
START_HINT = "start it with `pg_ctlcluster --skip-systemctl-redirect 15 main start`"


def admin_url() -> str:
    return os.environ.get("CIMS_TEST_POSTGRES_URL") or DEFAULT_ADMIN_URL


def services_required() -> bool:
    return os.environ.get("CIMS_REQUIRE_SERVICES") == "1"


def service_missing(reason: str) -> None:
    """Skip the test, or fail it when the run requires every service."""
    if services_required():
        pytest.fail(f"{reason} (CIMS_REQUIRE_SERVICES=1)")
    pytest.skip(reason)


def _admin_engine(url: str) -> sa.Engine:
    return sa.create_engine(
        database_url(url),
        isolation_level="AUTOCOMMIT",
        poolclass=sa.NullPool,
        connect_args={"connect_timeout": 3},
    )


@contextmanager
def temporary_database(url: str | None = None) -> Iterator[str]:
    """Create an empty database, yield its URL, drop it afterwards."""
    server = url or admin_url()
    admin = _admin_engine(server)
    try:
        with admin.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except sa.exc.DBAPIError as ex:
        admin.dispose()
        shown = make_url(server).render_as_string(hide_password=True)
        first_line = str(ex.orig).strip().splitlines()[0] if ex.orig else str(ex)
        service_missing(
            f"PostgreSQL at {shown} is unreachable ({first_line}); {START_HINT}"
        )

    name = f"cims_test_{secrets.token_hex(6)}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            database_url(server)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(
                sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            )
        admin.dispose()


def terminate_connections(database_url: str) -> int:
    """Kill every server process connected to the database; how many there were."""
    database = make_url(database_url).database
    admin = _admin_engine(admin_url())
    try:
        with admin.connect() as connection:
            killed = connection.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": database},
            ).scalar_one()
    finally:
        admin.dispose()
    return int(killed)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """An empty database for this test session, dropped at the end."""
    with temporary_database() as url:
        yield url


@pytest.fixture
def empty_postgres_url() -> Iterator[str]:
    """A database of its own for one test, dropped afterwards."""
    with temporary_database() as url:
        yield url
