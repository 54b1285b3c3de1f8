"""Running the Alembic migrations that ship inside this package, from code.

No alembic.ini is needed: the configuration is built here, and the
migrations run on a connection we hand to `migrations/env.py`.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext

from cims.adapters.sqlalchemy.engine import build_engine
from cims.adapters.sqlalchemy.errors import database_errors

MIGRATIONS = Path(__file__).parent / "migrations"
# Two processes starting at once must not both create the tables.
MIGRATION_LOCK = 0x43494D54


def alembic_config(connection: sa.Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` up to `revision` (creating it for SQLite).

    Raises:
        ServiceUnavailable: the database cannot be reached.
    """
    engine = build_engine(url, pool_size=1, max_overflow=0)
    try:
        with database_errors("migrate the schema"):
            upgrade_engine(engine, revision)
    finally:
        engine.dispose()


def upgrade_engine(engine: sa.Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(MIGRATION_LOCK)))
        command.upgrade(alembic_config(connection), revision)


def current_revision(engine: sa.Engine) -> str | None:
    """The revision the database is at, or None before the first migration."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
