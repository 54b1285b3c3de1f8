"""What the MongoDB adapter adds to the storage contract: atomicity on any
server, the sweeper, indexes, the document shape and replica-set detection."""

from __future__ import annotations

from typing import Any

import pytest

from cims.adapters.mongo import MongoStore
from cims.adapters.mongo.store import OUTBOX, supports_transactions
from cims.adapters.system import SystemClock, TimeOrderedIds
from cims.ports.inbound.customers import CustomerService
from tests.support.mongo import MONGODB_URL

pytestmark = pytest.mark.mongo

JANE = {
    "firstName": "Jane",
    "lastName": "Roe",
    "email": "Jane.Roe@Example.COM",
    "phone": "+44 20 7946 0958",
    "nationality": "GB",
    "accounts": [{"accountId": "GB-001", "type": "current", "currency": "GBP"}],
    "preferences": {"language": "en-GB", "contactChannels": ["email"]},
}


def service(store: MongoStore) -> CustomerService:
    return CustomerService(store.unit_of_work, SystemClock(), TimeOrderedIds())


def raw(store: MongoStore, customer_id: str) -> dict[str, Any] | None:
    return store.db.customers.find_one({"_id": customer_id})


def interrupt_moves(store: MongoStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the process died right after each document write."""
    monkeypatch.setattr(store, "move_pending", lambda *args: 0)


class TestDocumentShape:
    def test_a_customer_is_one_document_with_accounts_preferences_and_keys(
        self, store: MongoStore
    ) -> None:
        customer_id = service(store).register(JANE).customer_id

        document = raw(store, customer_id)

        assert document is not None
        assert document["keys"] == {
            "email": "jane.roe@example.com",
            "phone": "+442079460958",
            "lastName": "roe",
        }
        assert document["kycStatus"] == "Pending"
        assert document["version"] == 1
        assert document["profile"]["accounts"][0]["accountId"] == "GB-001"
        assert document["profile"]["preferences"]["contactChannels"] == ["email"]
        assert document["profile"]["phone"]["e164"] == "+442079460958"
        assert "_pending" not in document, "events should have moved to the outbox"

    def test_indexes_are_created_once_however_often_the_store_starts(
        self, store: MongoStore
    ) -> None:
        before = store.db.customers.index_information()

        store.ensure_indexes()
        MongoStore(store.client, store.db.name)

        after = store.db.customers.index_information()
        assert after == before
        assert {
            "email_then_id",
            "phone_then_id",
            "last_name_then_id",
            "kyc_status_then_id",
            "pending",
        } <= set(after)
        assert store.db[OUTBOX].index_information()["event_id"]["unique"] is True


class TestOutboxInTheDocument:
    def test_events_wait_in_the_customer_document_until_moved(
        self, standalone_store: MongoStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        interrupt_moves(standalone_store, monkeypatch)

        customer_id = service(standalone_store).register(JANE).customer_id

        document = raw(standalone_store, customer_id)
        assert document is not None
        assert [r["c"] for r in document["_pending"]] == [OUTBOX]
        assert standalone_store.db[OUTBOX].count_documents({}) == 0

    def test_the_relay_sweeps_interrupted_moves_before_reading(
        self, standalone_store: MongoStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        with monkeypatch.context() as patch:
            interrupt_moves(standalone_store, patch)
            customer_id = service(standalone_store).register(JANE).customer_id
            service(standalone_store).amend(customer_id, {"lastName": "Smith"})

        messages = standalone_store.pending(10)

        assert [m.value["event"] for m in messages] == [
            "CUSTOMER_CREATED",
            "CUSTOMER_UPDATED",
        ]
        document = raw(standalone_store, customer_id)
        assert document is not None
        assert "_pending" not in document
        assert "_pendingSince" not in document

    def test_a_move_interrupted_after_the_copy_is_not_published_twice(
        self, standalone_store: MongoStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        with monkeypatch.context() as patch:
            interrupt_moves(standalone_store, patch)
            customer_id = service(standalone_store).register(JANE).customer_id
        document = raw(standalone_store, customer_id)
        assert document is not None
        copied = dict(document["_pending"][0]["d"])
        standalone_store.db[OUTBOX].insert_one(copied)  # copied, never pulled

        assert standalone_store.sweep() == 1
        assert standalone_store.sweep() == 0
        assert len(standalone_store.pending(10)) == 1

    def test_a_removed_customer_is_a_tombstone_until_its_event_moved(
        self, standalone_store: MongoStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        customers = service(standalone_store)
        customer_id = customers.register(JANE).customer_id
        with monkeypatch.context() as patch:
            interrupt_moves(standalone_store, patch)
            customers.remove(customer_id)

            tombstone = raw(standalone_store, customer_id)
            assert tombstone is not None
            assert tombstone["deleted"] is True
            assert not {"profile", "keys", "kycStatus"} & set(tombstone)
            assert customers.list().customers == []
            with standalone_store.unit_of_work() as uow:
                assert uow.customers.get(customer_id) is None

        events = [m.value["event"] for m in standalone_store.pending(10)]

        assert events == ["CUSTOMER_CREATED", "CUSTOMER_DELETED"]
        assert raw(standalone_store, customer_id) is None

    def test_an_idempotency_key_counts_before_it_has_moved(
        self, standalone_store: MongoStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        interrupt_moves(standalone_store, monkeypatch)
        customers = service(standalone_store)

        first = customers.register(JANE, idempotency_key="key-1")
        again = customers.register(JANE, idempotency_key="key-1")

        assert again.replayed
        assert again.customer_id == first.customer_id
        assert len(customers.list().customers) == 1

    def test_outbox_positions_only_grow(self, standalone_store: MongoStore) -> None:
        customers = service(standalone_store)
        customer_id = customers.register(JANE).customer_id
        for name in ["Smith", "Jones", "Brown", "Green"]:
            customers.amend(customer_id, {"lastName": name})

        positions = [m.position for m in standalone_store.pending(100)]

        assert positions == sorted(set(positions))
        counter = standalone_store.db.counters.find_one({"_id": "outbox"})
        assert counter is not None
        assert counter["position"] == positions[-1]


class TestTransactions:
    def test_a_transactional_commit_writes_customer_and_events_directly(
        self, transactional_store: MongoStore, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        interrupt_moves(transactional_store, monkeypatch)  # never needed here
        customers = service(transactional_store)

        customer_id = customers.register(JANE, idempotency_key="k").customer_id
        customers.remove(customer_id)

        assert raw(transactional_store, customer_id) is None  # no tombstone
        events = [m.value["event"] for m in transactional_store.pending(10)]
        assert events == ["CUSTOMER_CREATED", "CUSTOMER_DELETED"]
        assert transactional_store.db.idempotency.count_documents({}) == 1
        sessions = getattr(transactional_store.client, "sessions", None)
        if sessions is not None:  # mongomock: the fake sessions saw each commit
            assert [s.transactions for s in sessions] == [1, 1]


class FakeAdmin:
    def __init__(self, reply: dict[str, Any]) -> None:
        self.reply = reply

    def command(self, name: str) -> dict[str, Any]:
        assert name == "hello"
        return self.reply


class FakeClient:
    def __init__(self, reply: dict[str, Any]) -> None:
        self.admin = FakeAdmin(reply)


class TestReplicaSetDetection:
    @pytest.mark.parametrize(
        ("reply", "expected"),
        [
            ({"isWritablePrimary": True, "setName": "rs0"}, True),
            ({"isWritablePrimary": True, "msg": "isdbgrid"}, True),
            ({"isWritablePrimary": True}, False),
        ],
    )
    def test_transactions_are_used_on_replica_sets_and_routers_only(
        self, reply: dict[str, Any], expected: bool
    ) -> None:
        assert supports_transactions(FakeClient(reply)) is expected

    @pytest.mark.skipif(bool(MONGODB_URL), reason="checks mongomock")
    def test_mongomock_takes_the_outbox_in_the_document_path(
        self, store: MongoStore
    ) -> None:
        assert store.transactions is False


class TestRelayLease:
    def test_one_relay_reads_the_outbox_while_another_holds_the_lease(
        self, store: MongoStore
    ) -> None:
        service(store).register(JANE)
        other = MongoStore(store.client, store.db.name)

        first = store.pending(10)
        second = other.pending(10)
        store.close()  # hands the lease back
        after_close = other.pending(10)

        assert (len(first), len(second), len(after_close)) == (1, 0, 1)


class TestDocumentCollections:
    """The shape a KYC repository takes: one versioned JSON document each."""

    def test_a_versioned_document_is_added_updated_and_guarded(self) -> None:
        from cims.adapters.mongo import MongoDocumentRepository
        from cims.domain.errors import VersionConflict
        from tests.support.mongo import fresh_store

        with fresh_store(document_collections=("customers", "kyc")) as store:
            with store.unit_of_work() as uow:
                MongoDocumentRepository(uow, "kyc").add("c-1", {"checks": []})
                uow.commit()
            with store.unit_of_work() as uow:
                kyc = MongoDocumentRepository(uow, "kyc")
                kyc.update("c-1", {"checks": [{"kind": "id"}]}, expected_version=1)
                uow.commit()

            with store.unit_of_work() as uow:
                kyc = MongoDocumentRepository(uow, "kyc")
                found = kyc.get("c-1")
                with pytest.raises(VersionConflict):
                    kyc.update("c-1", {"checks": []}, expected_version=1)

            assert found is not None
            assert (found.version, found.document) == (2, {"checks": [{"kind": "id"}]})
            assert "pending" in store.db.kyc.index_information()


class TestWiring:
    def test_the_container_builds_a_mongo_store_from_settings(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import mongomock
        import pymongo

        from cims.entrypoints.container import build_container
        from cims.entrypoints.settings import load_settings

        if not MONGODB_URL:
            monkeypatch.setattr(
                pymongo, "MongoClient", lambda *args, **kwargs: mongomock.MongoClient()
            )
        settings = load_settings(
            {
                "CIMS_STORAGE": "mongo",
                "CIMS_MONGODB_URL": MONGODB_URL or "mongodb://127.0.0.1:27017",
                "CIMS_MONGODB_DATABASE": "cims_wiring_test",
            }
        )
        container = build_container(settings)

        store = container.store()
        try:
            container.customers().register(JANE)
            assert isinstance(store, MongoStore)
            assert store.db.name == "cims_wiring_test"
            assert container.relay().relay_once() == 1
        finally:
            store.client.drop_database("cims_wiring_test")
            store.close()
