"""Alembic environment: runs the migrations on the connection `migrate` hands in.

Run from the alembic command line instead, it connects to
`sqlalchemy.url` from the configuration.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

from cims.adapters.sqlalchemy.engine import database_url
from cims.adapters.sqlalchemy.schema import metadata


def run_on(connection: sa.Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite alters tables by copying them; batch mode does that for us.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        run_on(connection)
        return

    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("set sqlalchemy.url, or run through cims' migrate.upgrade")
    engine = sa.create_engine(database_url(url), poolclass=sa.NullPool)
    with engine.connect() as connection:
        run_on(connection)
        connection.commit()


main()
