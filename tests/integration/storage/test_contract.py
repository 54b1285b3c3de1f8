"""The storage contract on every backend: memory, SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from cims.adapters.memory import MemoryStore
from cims.adapters.sqlalchemy import SqlStore
from cims.testing.storage_contract import StorageContract


class TestMemoryStore(StorageContract):
    @pytest.fixture
    def store(self) -> MemoryStore:
        return MemoryStore()


class TestSqliteStore(StorageContract):
    @pytest.fixture
    def store(self, sqlite_store: SqlStore) -> SqlStore:
        return sqlite_store


@pytest.mark.postgres
class TestPostgresStore(StorageContract):
    @pytest.fixture
    def store(self, pg_store: SqlStore) -> SqlStore:
        return pg_store
