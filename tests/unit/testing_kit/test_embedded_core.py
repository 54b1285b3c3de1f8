"""build_core: a working core in one call, any adapter replaceable."""

from __future__ import annotations

from cims import Core, build_core, screening_against
from cims.adapters.memory import MemoryEventBus, MemoryStore
from cims.domain.values import KycStatus
from cims.testing.doubles import FixedClock, SequentialIds
from tests.support.kyc import WATCHLIST, listed_customer


def test_the_default_core_registers_and_relays_in_memory():
    bus = MemoryEventBus()
    core = build_core(publisher=bus)

    registration = core.customers.register({"firstName": "Jane", "lastName": "Roe"})
    relayed = core.relay.relay_once()

    assert isinstance(core, Core)
    assert core.customers.get(registration.customer_id).version == 1
    assert relayed == 1
    assert [m["event"] for m in bus.messages()] == ["CUSTOMER_CREATED"]


def test_the_adapters_given_are_the_ones_used():
    store, clock, ids = MemoryStore(), FixedClock(), SequentialIds()
    core = build_core(storage=store, clock=clock, ids=ids)

    customer_id = core.customers.register(
        {"firstName": "Jane", "lastName": "Roe"}
    ).customer_id

    assert customer_id == "00000000-0000-0000-0000-000000000001"
    assert core.customers.get(customer_id).created_at == clock.now()
    assert len(store.customers) == 1


def test_a_screener_over_a_watch_list_finds_a_listed_customer():
    core = build_core(screener=screening_against(WATCHLIST))

    customer_id = core.customers.register(listed_customer()).customer_id

    assert [hit.status.value for hit in core.kyc.hits(customer_id)] == ["open"]
    assert core.customers.get(customer_id).kyc_status is KycStatus.PENDING


def test_the_cims_fixtures_give_a_fresh_core_on_a_fixed_clock(cims_core, cims_clock):
    customer_id = cims_core.customers.register(
        {"firstName": "Jane", "lastName": "Roe"}
    ).customer_id

    assert cims_core.customers.get(customer_id).created_at == cims_clock.now()
    assert [c.id for c in cims_core.customers.list().customers] == [customer_id]
