"""pytest fixtures for tests built on CIMS: a core on in-memory adapters.

Load them in your `conftest.py`:

    pytest_plugins = ["cims.testing.fixtures"]

and ask for `cims_core` (or its parts) in a test:

    def test_a_new_customer_is_pending(cims_core):
        registration = cims_core.customers.register(
            {"firstName": "Jane", "lastName": "Roe"}
        )
        customer = cims_core.customers.get(registration.customer_id)
        assert customer.kyc_status.value == "Pending"

Every fixture is function-scoped: each test gets a fresh, empty store, a clock
standing at `DEFAULT_START` (2026-01-15 09:30 UTC) and ids counting from 1.
Override `cims_watchlist` to screen against entries of your own.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from cims.adapters.memory import MemoryEventBus, MemoryStore
from cims.domain.screening import WatchlistEntry
from cims.entrypoints.embedded import Core, build_core, screening_against
from cims.testing.doubles import FixedClock, SequentialIds

__all__ = [
    "cims_bus",
    "cims_clock",
    "cims_core",
    "cims_ids",
    "cims_store",
    "cims_watchlist",
]


@pytest.fixture
def cims_clock() -> FixedClock:
    """The core's clock; move it with `cims_clock.advance(days=...)`."""
    return FixedClock()


@pytest.fixture
def cims_ids() -> SequentialIds:
    """The core's id factory: ids 00000000-...-0001, -0002, ..."""
    return SequentialIds()


@pytest.fixture
def cims_store() -> MemoryStore:
    """The core's storage: empty at the start of each test."""
    return MemoryStore()


@pytest.fixture
def cims_bus() -> MemoryEventBus:
    """Where `cims_core.relay.relay_once()` delivers events."""
    return MemoryEventBus()


@pytest.fixture
def cims_watchlist() -> Sequence[WatchlistEntry]:
    """The sanctions entries customers are screened against (none by default)."""
    return ()


@pytest.fixture
def cims_core(
    cims_store: MemoryStore,
    cims_bus: MemoryEventBus,
    cims_clock: FixedClock,
    cims_ids: SequentialIds,
    cims_watchlist: Sequence[WatchlistEntry],
) -> Core:
    """The use cases on the memory adapters, the fixed clock and counting ids."""
    return build_core(
        storage=cims_store,
        publisher=cims_bus,
        screener=screening_against(cims_watchlist, list_version="test"),
        clock=cims_clock,
        ids=cims_ids,
    )
