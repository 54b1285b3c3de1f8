"""A new customer is matched against existing ones as it is stored."""

from __future__ import annotations

import pytest

from cims.adapters.memory import MemoryStore
from cims.domain.errors import CustomerNotFound
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.merging import MergeService
from cims.ports.inbound.review import DuplicateMatcher, MatchingPolicy, ReviewService
from tests.support.customers import FixedClock, SequentialIds

JOHN = {
    "firstName": "John",
    "lastName": "Smith",
    "dateOfBirth": "1980-01-02",
    "email": "john.smith@example.com",
    "phone": "+44 20 7946 0958",
}


def services(policy: MatchingPolicy | None = None):
    store, clock, ids = MemoryStore(), FixedClock(), SequentialIds()
    merges = MergeService(store.unit_of_work, clock, ids)
    customers = CustomerService(
        store.unit_of_work, clock, ids, matcher=DuplicateMatcher(merges, clock, policy)
    )
    return customers, merges, ReviewService(store.unit_of_work, merges, clock), store


def test_by_default_even_a_certain_match_is_only_queued() -> None:
    customers, _, reviews, _ = services()
    first = customers.register(JOHN).customer_id

    second = customers.register({**JOHN, "firstName": "Jon"}).customer_id

    assert customers.get(second).id == second
    queued = reviews.list()
    assert queued[0].customer_ids == (first, second)
    assert queued[0].probability >= 0.99


def test_a_source_allowed_to_auto_merge_joins_the_older_customer() -> None:
    policy = MatchingPolicy(auto_merge_sources=frozenset({"crm"}))
    customers, merges, reviews, store = services(policy)
    first = customers.register(JOHN).customer_id

    second = customers.register(
        {**JOHN, "firstName": "Jon"}, origin=("crm", "CRM-7")
    ).customer_id

    with pytest.raises(CustomerNotFound):
        customers.get(second)
    assert merges.resolve(second).customer.id == first
    sources = {(s.source, s.source_key) for s in merges.lineage(first).lineage.sources}
    assert sources == {("api", first), ("crm", "CRM-7")}
    assert reviews.list() == []
    events = [m.value["event"] for m in store.outbox]
    assert "CUSTOMERS_MERGED" in events


def test_an_api_creation_is_never_auto_merged_unless_configured() -> None:
    policy = MatchingPolicy(auto_merge_sources=frozenset({"crm"}))
    customers, _, reviews, _ = services(policy)
    customers.register(JOHN)

    second = customers.register({**JOHN, "firstName": "Jon"}).customer_id

    assert customers.get(second).id == second
    assert len(reviews.list()) == 1


def test_a_different_person_is_neither_merged_nor_queued() -> None:
    customers, _, reviews, _ = services()
    customers.register(JOHN)

    customers.register(
        {"firstName": "Mary", "lastName": "Jones", "dateOfBirth": "1990-05-06"}
    )

    assert reviews.list() == []
