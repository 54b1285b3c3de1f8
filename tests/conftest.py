"""Shared fixtures and hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Verbosity, settings

from cims.adapters.memory import MemoryEventBus, MemoryStore
from cims.adapters.sanctions.cached import CachedScreener
from cims.adapters.sanctions.memory import InMemorySanctionsList
from cims.domain.kyc import KycPolicy
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.kyc import KycService, KycWorkflow
from cims.ports.inbound.merging import MergeService
from cims.ports.inbound.review import DuplicateMatcher, ReviewService
from cims.ports.inbound.search import CustomerSearch
from tests.support.customers import FixedClock, SequentialIds
from tests.support.kyc import WATCHLIST

# The fixtures CIMS offers teams (cims_core, cims_clock, ...), used here too.
pytest_plugins = ["cims.testing.fixtures"]

settings.register_profile(
    "dev",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# CI explores more examples, always the same ones: a red CI must mean the
# change broke something, not that a new seed found an old weakness. The dev
# profile stays random, so developers keep finding new counterexamples.
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "debug", max_examples=10, deadline=None, verbosity=Verbosity.verbose
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@pytest.fixture
def ids() -> SequentialIds:
    return SequentialIds()


@pytest.fixture
def memory_store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def event_bus() -> MemoryEventBus:
    return MemoryEventBus()


@pytest.fixture
def watchlist() -> InMemorySanctionsList:
    return InMemorySanctionsList(WATCHLIST, list_name="TEST-LIST")


@pytest.fixture
def screener(watchlist: InMemorySanctionsList) -> CachedScreener:
    return CachedScreener(lambda: watchlist)


@pytest.fixture
def kyc_policy() -> KycPolicy:
    return KycPolicy()


@pytest.fixture
def kyc_workflow(clock, ids, screener, kyc_policy) -> KycWorkflow:
    return KycWorkflow(clock, ids, screener, kyc_policy)


@pytest.fixture
def kyc(memory_store: MemoryStore, kyc_workflow: KycWorkflow) -> KycService:
    return KycService(memory_store.unit_of_work, kyc_workflow)


@pytest.fixture
def merges(
    memory_store: MemoryStore, clock: FixedClock, ids: SequentialIds
) -> MergeService:
    return MergeService(memory_store.unit_of_work, clock, ids)


@pytest.fixture
def reviews(
    memory_store: MemoryStore, merges: MergeService, clock: FixedClock
) -> ReviewService:
    return ReviewService(memory_store.unit_of_work, merges, clock)


@pytest.fixture
def search(memory_store: MemoryStore) -> CustomerSearch:
    return CustomerSearch(memory_store.unit_of_work)


@pytest.fixture
def customers(
    memory_store: MemoryStore,
    clock: FixedClock,
    ids: SequentialIds,
    kyc_workflow: KycWorkflow,
    merges: MergeService,
) -> CustomerService:
    return CustomerService(
        memory_store.unit_of_work,
        clock,
        ids,
        kyc=kyc_workflow,
        matcher=DuplicateMatcher(merges, clock),
    )
