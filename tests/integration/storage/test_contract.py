"""The storage contract on every backend: memory, SQLite, PostgreSQL, MongoDB."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cims.adapters.memory import MemoryStore
from cims.adapters.mongo import MongoStore
from cims.adapters.sqlalchemy import SqlStore
from cims.testing.storage_contract import StorageContract
from tests.support.mongo import fresh_store as fresh_mongo_store


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


@pytest.mark.mongo
class TestMongoStore(StorageContract):
    """mongomock by default; a real server when MONGODB_URL is set."""

    @pytest.fixture
    def store(self) -> Iterator[MongoStore]:
        with fresh_mongo_store() as store:
            yield store
