"""MongoDB for tests: mongomock by default, a real server when MONGODB_URL is set.

mongomock applies each write in Python without holding a lock from the match
to the change, so two threads can both match `{"version": 1}`. A server
applies one document write atomically; `serialised_writes` restores that
guarantee around mongomock's write methods, so concurrency tests check the
adapter and not mongomock's thread safety.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
import uuid
from collections.abc import Iterator
from typing import Any

import mongomock
import pymongo

from cims.adapters.mongo import MongoStore

MONGODB_URL = os.environ.get("MONGODB_URL", "")
_WRITES = (
    "insert_one",
    "insert_many",
    "update_one",
    "update_many",
    "replace_one",
    "delete_one",
    "delete_many",
    "find_one_and_update",
    "find_one_and_delete",
)
_lock = threading.RLock()


def backend_name() -> str:
    return "real MongoDB" if MONGODB_URL else "mongomock"


def _serialised(method: Any) -> Any:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _lock:
            return method(*args, **kwargs)

    return locked


@functools.cache
def serialised_writes() -> None:
    """Make mongomock's single-document writes atomic, as a server's are."""
    for name in _WRITES:
        original = getattr(mongomock.Collection, name)
        setattr(mongomock.Collection, name, _serialised(original))


def new_client() -> Any:
    """A client for the backend under test; the caller closes it."""
    if MONGODB_URL:
        return pymongo.MongoClient(
            MONGODB_URL, serverSelectionTimeoutMS=5000, tz_aware=True
        )
    serialised_writes()
    return mongomock.MongoClient(tz_aware=True)


@contextlib.contextmanager
def fresh_store(**options: Any) -> Iterator[MongoStore]:
    """A store on a database of its own, dropped afterwards."""
    client = new_client()
    database = f"cims_test_{uuid.uuid4().hex[:12]}"
    store = MongoStore(client, database, **options)
    try:
        yield store
    finally:
        store.close()
        client.drop_database(database)
        client.close()
