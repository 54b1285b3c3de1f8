"""Merging and unmerging through the use cases: properties that must always hold."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from cims.adapters.memory import MemoryStore
from cims.domain.customer_document import profile_document
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.merging import MergeService
from cims.testing.strategies import customer_documents
from tests.support.customers import FixedClock, SequentialIds


def services() -> tuple[CustomerService, MergeService, FixedClock]:
    store, clock, ids = MemoryStore(), FixedClock(), SequentialIds()
    return (
        CustomerService(store.unit_of_work, clock, ids),
        MergeService(store.unit_of_work, clock, ids),
        clock,
    )


def pending(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "kycStatus"}


documents = customer_documents().map(pending)


@given(st.lists(documents, min_size=2, max_size=4))
def test_merge_then_unmerge_restores_every_customer_exactly(docs) -> None:
    customers, merges, clock = services()
    ids = []
    for document in docs:
        ids.append(customers.register(document).customer_id)
        clock.advance(minutes=1)
    before = {i: customers.get(i) for i in ids}
    survivor, absorbed = ids[0], ids[1:]

    merges.merge(survivor, absorbed, reason="test")
    for customer_id in reversed(absorbed):
        clock.advance(minutes=1)
        merges.unmerge(survivor, customer_id, reason="test")

    for customer_id, customer in before.items():
        after = customers.get(customer_id)
        assert after.profile == customer.profile
        assert after.kyc_status == customer.kyc_status
        assert after.created_at == customer.created_at


@given(st.lists(documents, min_size=2, max_size=4))
def test_a_merge_loses_no_value_and_every_merged_id_resolves(docs) -> None:
    customers, merges, clock = services()
    ids = []
    for document in docs:
        ids.append(customers.register(document).customer_id)
        clock.advance(minutes=1)

    survivor = merges.merge(ids[0], ids[1:], reason="test")

    for customer_id in ids:
        assert merges.resolve(customer_id).customer.id == ids[0]
    # Every value each customer had is still in a source record.
    view = merges.lineage(ids[0])
    kept = [source.values for source in view.lineage.sources]
    for document in docs:
        assert document in kept
    accounts = {a.account_id for a in survivor.profile.accounts}
    assert accounts == {a["accountId"] for d in docs for a in d.get("accounts", [])}
    # And every golden value says where it came from.
    golden = profile_document(survivor.profile)
    for field, ref in view.golden.provenance.items():
        assert ref.source == "api"
        assert field.startswith("accounts[") or golden[field] is not None


@given(st.lists(documents, min_size=3, max_size=3))
def test_a_chain_of_merges_still_resolves_the_first_id(docs) -> None:
    customers, merges, _ = services()
    a, b, c = (customers.register(d).customer_id for d in docs)

    merges.merge(b, [a], reason="first")
    merges.merge(c, [b], reason="second")

    assert merges.resolve(a).customer.id == c
    assert merges.resolve(a).merged_into == c
