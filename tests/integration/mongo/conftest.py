"""A fresh MongoStore per test: mongomock, or the server at MONGODB_URL."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from cims.adapters.mongo import MongoStore
from tests.support.mongo import MONGODB_URL, fresh_store


def accept_bulk_sort() -> None:
    """Let mongomock's bulk builder take the `sort=` that pymongo >= 4.11 passes.

    `UpdateOne` and `ReplaceOne` hand `sort=None` to the builder inside
    `bulk_write`; mongomock 4.3 does not know the argument. A real sort is
    refused, not ignored.
    """
    import mongomock.collection

    builder = mongomock.collection.BulkOperationBuilder
    for name in ("add_update", "add_replace"):
        original = getattr(builder, name)
        if getattr(original, "accepts_sort", False):
            continue

        def accepting(
            self: Any,
            *args: Any,
            sort: Any = None,
            _original: Any = original,
            **kw: Any,
        ) -> Any:
            if sort is not None:
                raise NotImplementedError("mongomock cannot sort inside a bulk write")
            return _original(self, *args, **kw)

        accepting.accepts_sort = True  # type: ignore[attr-defined]
        setattr(builder, name, accepting)


accept_bulk_sort()


@pytest.fixture
def store() -> Iterator[MongoStore]:
    with fresh_store() as store:
        yield store


@pytest.fixture
def standalone_store() -> Iterator[MongoStore]:
    """Forced onto the outbox-in-document path, even on a replica set."""
    with fresh_store(transactions=False) as store:
        yield store


class FakeSession:
    """Enough of a ClientSession for mongomock: runs the callback, once.

    It proves the transactional code path is wired (positions, inserts, no
    `_pending`), NOT that MongoDB rolls a failed transaction back.
    """

    def __init__(self) -> None:
        self.transactions = 0

    def __enter__(self) -> FakeSession:
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def with_transaction(self, callback: Any) -> Any:
        self.transactions += 1
        return callback(self)


class SessionClient:
    """A mongomock client that hands out `FakeSession`s."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.sessions: list[FakeSession] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)

    def __getitem__(self, name: str) -> Any:
        return self._client[name]

    def start_session(self) -> FakeSession:
        self.sessions.append(FakeSession())
        return self.sessions[-1]


@pytest.fixture
def transactional_store() -> Iterator[MongoStore]:
    """The multi-document transaction path.

    On a real replica set this is the real thing; on a standalone server it
    skips; on mongomock the client hands out `FakeSession`s.
    """
    if MONGODB_URL:
        with fresh_store() as store:
            if not store.transactions:
                pytest.skip("MONGODB_URL is not a replica set: no transactions")
            yield store
        return

    import mongomock

    from tests.support.mongo import serialised_writes

    serialised_writes()
    mongomock.ignore_feature("session")  # accept session= and ignore it
    client = SessionClient(mongomock.MongoClient(tz_aware=True))
    try:
        yield MongoStore(client, "cims_test", transactions=True)
    finally:
        mongomock.warn_on_feature("session")
        client.close()
