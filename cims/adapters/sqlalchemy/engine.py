"""Building SQLAlchemy engines for the two supported databases.

SQLite (the embedded default) gets WAL journaling, foreign keys and a busy
timeout on every connection, and every transaction starts with
`BEGIN IMMEDIATE`: a unit of work reads and then writes, and SQLite refuses
to upgrade a read transaction whose snapshot another writer has overtaken.
Taking the write lock up front makes concurrent writers from several threads
or processes queue on the busy timeout instead of failing.

LIMITATION: the unit-of-work port does not say whether a unit of work will
write, so on SQLite reads (get, list) take the write lock too and units of
work run one at a time. WAL still lets other readers of the file proceed.

PostgreSQL is reached through psycopg 3; `postgresql://` URLs are read as
`postgresql+psycopg://`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, make_url

from cims.domain.errors import FieldError, InvalidInput

SUPPORTED = ("sqlite", "postgresql")


def database_url(url: str | URL) -> URL:
    """The URL with its driver settled; rejects databases CIMS does not support."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED:
        message = f"must be a sqlite or postgresql URL; got {backend!r}"
        raise InvalidInput(f"database url {message}", [FieldError("url", message)])
    if backend == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        # Each pooled connection would see its own empty database.
        message = "must name a database file, e.g. sqlite:///var/cims/cims.db"
        raise InvalidInput(f"database url {message}", [FieldError("url", message)])
    return parsed


def build_engine(
    url: str | URL,
    *,
    pool_size: int = 5,
    max_overflow: int = 5,
    pool_timeout: float = 10.0,
    connect_timeout: int = 5,
    busy_timeout: float = 10.0,
    echo: bool = False,
) -> sa.Engine:
    """An engine whose pool re-checks connections before handing them out."""
    parsed = database_url(url)
    options: dict[str, Any] = {
        "pool_pre_ping": True,
        "pool_size": pool_size,
        "max_overflow": max_overflow,
        "pool_timeout": pool_timeout,
        "echo": echo,
    }

    if parsed.get_backend_name() == "sqlite":
        assert parsed.database is not None
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": busy_timeout}
        engine = sa.create_engine(parsed, **options)
        _prepare_sqlite(engine, busy_timeout)
        return engine

    options["connect_args"] = {
        "connect_timeout": connect_timeout,
        "application_name": "cims",
    }
    return sa.create_engine(parsed, **options)


def _prepare_sqlite(engine: sa.Engine, busy_timeout: float) -> None:
    @sa.event.listens_for(engine, "connect")
    def configure(dbapi_connection: Any, _record: Any) -> None:
        # Leave transaction control to us: the driver's own implicit BEGIN
        # would be a deferred one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def begin(connection: sa.Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
