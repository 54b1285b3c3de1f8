"""An unreachable or failing MongoDB is a 503 with Retry-After, not a 500."""

from __future__ import annotations

from typing import Any

import pytest
from pymongo import errors

from cims.adapters.mongo import MongoStore
from cims.adapters.mongo.errors import storage_errors
from cims.domain.errors import ServiceUnavailable
from cims.testing.storage_contract import plain_customer

pytestmark = pytest.mark.mongo


def failing(error: Exception) -> Any:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise error

    return fail


class TestMapping:
    @pytest.mark.parametrize(
        "error",
        [
            errors.ServerSelectionTimeoutError("no servers"),
            errors.AutoReconnect("connection reset"),
            errors.NetworkTimeout("timed out"),
            errors.NotPrimaryError("not primary"),
            errors.ExecutionTimeout("operation exceeded time limit", 50),
            errors.OperationFailure("shutting down", 91),
            errors.OperationFailure("write conflict", 112),
        ],
        ids=lambda error: type(error).__name__,
    )
    def test_unavailability_becomes_service_unavailable_with_the_cause(
        self, error: Exception
    ) -> None:
        with pytest.raises(ServiceUnavailable) as raised, storage_errors("reading"):
            raise error

        assert raised.value.__cause__ is error
        assert raised.value.retry_after > 0
        assert "MongoDB is unavailable: reading failed" in str(raised.value)

    @pytest.mark.parametrize(
        "error",
        [
            errors.DuplicateKeyError("E11000 duplicate key", 11000),
            errors.OperationFailure("unknown operator: $foo", 2),
        ],
        ids=lambda error: type(error).__name__,
    )
    def test_mistakes_are_not_disguised_as_outages(self, error: Exception) -> None:
        with pytest.raises(type(error)), storage_errors("writing"):
            raise error

    def test_an_unreachable_server_fails_start_up_with_service_unavailable(
        self,
    ) -> None:
        # Port 1 on the loopback: nothing listens there.
        with pytest.raises(ServiceUnavailable) as raised:
            MongoStore("mongodb://127.0.0.1:1/", "cims", timeout_ms=200)

        assert isinstance(raised.value.__cause__, errors.ServerSelectionTimeoutError)


class TestStoreOperations:
    def test_a_read_during_an_outage_raises_service_unavailable(
        self, store: MongoStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        collection = type(store.db.customers)
        monkeypatch.setattr(
            collection, "find_one", failing(errors.AutoReconnect("connection reset"))
        )

        with pytest.raises(ServiceUnavailable), store.unit_of_work() as uow:
            uow.customers.get("c-1")

    def test_a_commit_during_an_outage_raises_service_unavailable(
        self, store: MongoStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        customer = plain_customer()
        monkeypatch.setattr(
            type(store.db.customers),
            "insert_one",
            failing(errors.NetworkTimeout("timed out")),
        )

        with pytest.raises(ServiceUnavailable), store.unit_of_work() as uow:
            uow.customers.add(customer)
            uow.commit()

    def test_the_relay_side_maps_outages_too(
        self, store: MongoStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(
            type(store.db.outbox),
            "update_many",
            failing(errors.ServerSelectionTimeoutError("gone")),
        )

        with pytest.raises(ServiceUnavailable):
            store.mark_published([1])
