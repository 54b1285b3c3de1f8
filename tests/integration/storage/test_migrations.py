"""The Alembic migrations build exactly the schema the adapter declares."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from cims.adapters.sqlalchemy import upgrade
from cims.adapters.sqlalchemy.migrate import alembic_config, current_revision
from cims.adapters.sqlalchemy.schema import metadata


def head() -> str:
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None
    return revision


def differences(url: str) -> list[object]:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        with engine.connect() as connection:
            return list(
                compare_metadata(MigrationContext.configure(connection), metadata)
            )
    finally:
        engine.dispose()


def revision_of(url: str) -> str | None:
    engine = sa.create_engine(url, poolclass=sa.NullPool)
    try:
        return current_revision(engine)
    finally:
        engine.dispose()


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        # The folder does not exist yet: upgrade must create it.
        return f"sqlite:///{tmp_path}/new/folder/cims.db"
    url: str = request.getfixturevalue("empty_postgres_url")
    return url


def test_upgrading_an_empty_database_matches_the_declared_schema(
    empty_url: str,
) -> None:
    upgrade(empty_url)

    assert revision_of(empty_url) == head()
    assert differences(empty_url) == []


def test_upgrading_twice_changes_nothing(empty_url: str) -> None:
    upgrade(empty_url)
    upgrade(empty_url)

    assert revision_of(empty_url) == head()
    assert differences(empty_url) == []


def test_downgrading_to_base_removes_every_table_and_upgrading_restores_them(
    empty_url: str,
) -> None:
    upgrade(empty_url)
    engine = sa.create_engine(empty_url, poolclass=sa.NullPool)
    with engine.begin() as connection:
        command.downgrade(alembic_config(connection), "base")
    left = set(sa.inspect(engine).get_table_names()) - {"alembic_version"}
    engine.dispose()

    upgrade(empty_url)

    assert left == set()
    assert differences(empty_url) == []
