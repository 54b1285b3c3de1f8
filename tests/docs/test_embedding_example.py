"""The embedding guide's own storage adapter passes the storage contract."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rewards.store import ShelveStore

from cims import build_core
from cims.testing.storage_contract import StorageContract


class TestShelveStore(StorageContract):
    @pytest.fixture
    def store(self, tmp_path: Path) -> Iterator[ShelveStore]:
        store = ShelveStore(tmp_path / "customers")
        yield store
        store.close()


def test_customers_and_unpublished_events_survive_a_restart(tmp_path: Path) -> None:
    store = ShelveStore(tmp_path / "customers")
    core = build_core(storage=store)
    customer_id = core.customers.register(
        {"firstName": "Jane", "lastName": "Roe"}
    ).customer_id
    store.close()

    reopened = ShelveStore(tmp_path / "customers")
    core = build_core(storage=reopened)

    assert core.customers.get(customer_id).profile.last_name == "Roe"
    assert [m.value["event"] for m in reopened.pending(10)] == ["CUSTOMER_CREATED"]
    reopened.close()
