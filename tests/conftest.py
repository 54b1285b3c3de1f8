"""Shared fixtures and hypothesis profiles."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Verbosity, settings

from cims.adapters.memory import MemoryEventBus, MemoryStore
from cims.ports.inbound.customers import CustomerService
from tests.support.customers import FixedClock, SequentialIds

settings.register_profile(
    "dev",
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "ci",
    max_examples=150,
    deadline=None,
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
def memory_store() -> MemoryStore:
    return MemoryStore()


@pytest.fixture
def event_bus() -> MemoryEventBus:
    return MemoryEventBus()


@pytest.fixture
def customers(memory_store: MemoryStore, clock: FixedClock) -> CustomerService:
    return CustomerService(memory_store.unit_of_work, clock, SequentialIds())
