"""Customer use cases: changes, events, versions and idempotency."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cims.adapters.memory import MemoryEventBus, MemoryStore
from cims.domain.customer_document import customer_document, read_profile
from cims.domain.errors import CustomerNotFound, DuplicateRequest, VersionConflict
from cims.ports.inbound.customers import CustomerFilters, CustomerService
from cims.ports.inbound.relay import EventRelay
from cims.testing.strategies import customer_documents
from tests.support.customers import FixedClock, SequentialIds, customer_body
from tests.support.kyc import OFFICER


def published(store: MemoryStore) -> list[dict]:
    bus = MemoryEventBus()
    EventRelay(store, bus).relay_once()
    return bus.messages()


class TestEvents:
    def test_registering_emits_customer_created_with_the_customer(
        self, customers, memory_store
    ):
        registration = customers.register(customer_body())

        [event] = published(memory_store)
        assert event["event"] == "CUSTOMER_CREATED"
        assert event["customerId"] == registration.customer_id
        assert event["customer"]["email"] == "jane.roe@example.com"

    def test_an_update_lists_exactly_the_changed_fields(self, customers, memory_store):
        customer_id = customers.register(customer_body()).customer_id

        customers.replace(
            customer_id,
            customer_body(phone="0987654321", address="9 Elm Rd", kycStatus="Verified"),
            actor=OFFICER,
        )

        update, *kyc_changes = published(memory_store)[1:]
        assert update["event"] == "CUSTOMER_UPDATED"
        assert update["changes"] == {
            "phone": "0987654321",
            "address": "9 Elm Rd",
            "kycStatus": "Verified",
        }
        assert [(e["event"], e["from"], e["to"]) for e in kyc_changes] == [
            ("KYC_STATUS_CHANGED", "Pending", "InReview"),
            ("KYC_STATUS_CHANGED", "InReview", "Verified"),
        ]

    def test_a_replace_that_changes_nothing_emits_nothing(
        self, customers, memory_store
    ):
        customer_id = customers.register(customer_body()).customer_id

        unchanged = customers.replace(customer_id, customer_body())

        assert unchanged.version == 1
        assert [e["event"] for e in published(memory_store)] == ["CUSTOMER_CREATED"]

    def test_a_failed_change_leaves_no_event_behind(self, customers, memory_store):
        customer_id = customers.register(customer_body()).customer_id

        with pytest.raises(VersionConflict):
            customers.replace(customer_id, customer_body(phone="0987654321"), 7)

        assert [e["event"] for e in published(memory_store)] == ["CUSTOMER_CREATED"]

    def test_deleting_emits_customer_deleted(self, customers, memory_store):
        customer_id = customers.register(customer_body()).customer_id

        customers.remove(customer_id)

        assert published(memory_store)[-1]["event"] == "CUSTOMER_DELETED"
        with pytest.raises(CustomerNotFound):
            customers.get(customer_id)

    @given(before=customer_documents(), after=customer_documents())
    def test_customer_updated_lists_exactly_the_fields_that_differ(self, before, after):
        # A kycStatus change is a KYC transition, tested in test_kyc_service.py.
        before = {k: v for k, v in before.items() if k != "kycStatus"}
        after = {k: v for k, v in after.items() if k != "kycStatus"}
        store = MemoryStore()
        service = CustomerService(store.unit_of_work, FixedClock(), SequentialIds())
        customer_id = service.register(before).customer_id
        old = customer_document(service.get(customer_id))

        new = customer_document(service.replace(customer_id, after))

        events = published(store)
        expected = {
            k: v
            for k, v in new.items()
            if old.get(k) != v and k not in {"version", "updatedAt"}
        }
        if expected:
            assert events[-1]["changes"] == expected
        else:
            assert len(events) == 1


class TestAmend:
    def test_a_merge_patch_changes_only_what_it_names(self, customers):
        customer_id = customers.register(customer_body()).customer_id

        amended = customers.amend(customer_id, {"address": "9 Elm Rd", "phone": None})

        assert amended.profile.address == "9 Elm Rd"
        assert amended.profile.phone is None
        assert amended.profile.email.address == "jane.roe@example.com"


class TestIdempotency:
    def test_a_retry_with_the_same_key_returns_the_first_customer(self, customers):
        first = customers.register(customer_body(), idempotency_key="k-1")
        again = customers.register(customer_body(), idempotency_key="k-1")

        assert again.replayed
        assert again.customer_id == first.customer_id
        assert len(customers.list().customers) == 1

    def test_the_same_key_with_another_body_is_refused(self, customers):
        customers.register(customer_body(), idempotency_key="k-1")

        with pytest.raises(DuplicateRequest, match="k-1"):
            customers.register(customer_body(lastName="Other"), idempotency_key="k-1")


class TestListing:
    def test_filters_compare_normalised_values(self, customers):
        customers.register(customer_body(phone="+1 415 555 2671"))
        customers.register(customer_body(lastName="Doe", email="john@example.com"))

        def last_names(**filters):
            page = customers.list(CustomerFilters(**filters))
            return [c.profile.last_name for c in page.customers]

        assert last_names(email="JANE.ROE@EXAMPLE.COM") == ["Roe"]
        assert last_names(phone="(415) 555-2671") == ["Roe"]
        assert last_names(last_name="DOE") == ["Doe"]
        assert last_names(kyc_status="pending") == ["Roe", "Doe"]

    @given(st.integers(1, 30), st.integers(1, 7))
    def test_paging_visits_every_customer_once(self, count, limit):
        store = MemoryStore()
        service = CustomerService(store.unit_of_work, FixedClock(), SequentialIds())
        ids = [service.register(customer_body()).customer_id for _ in range(count)]

        seen, after = [], None
        while True:
            page = service.list(limit=limit, after=after)
            seen += [customer.id for customer in page.customers]
            if page.next_after is None:
                break
            after = page.next_after

        assert seen == ids


def test_the_stored_profile_is_exactly_what_validation_produced(customers, clock):
    document = customer_body(dateOfBirth="1980-02-29", nationality="DE")
    customer_id = customers.register(document).customer_id

    stored = customers.get(customer_id)

    assert (
        stored.profile
        == read_profile(document, customers._policy, clock.now().date()).profile
    )
