"""Building a customer service over the memory store, and sample documents."""

from __future__ import annotations

from typing import Any

from cims.adapters.memory import MemoryStore
from cims.adapters.system import SystemClock, TimeOrderedIds
from cims.ports.inbound.customers import CustomerService


def memory_service() -> tuple[MemoryStore, CustomerService]:
    store = MemoryStore()
    # The UnitOfWork protocol declares mutable attributes, which mypy checks
    # invariantly, so MemoryUnitOfWork does not match it yet (reported).
    unit_of_work = store.unit_of_work
    return store, CustomerService(
        unit_of_work,  # type: ignore[arg-type]
        SystemClock(),
        TimeOrderedIds(),
    )


def customer_document(n: int) -> dict[str, Any]:
    return {
        "firstName": "Ada" + _letters(n),
        "lastName": "Lovelace",
        "email": f"ada{n}@example.com",
        "dateOfBirth": "1985-12-10",
        "nationality": "GB",
    }


def _letters(n: int) -> str:
    """A number spelled in lower-case letters, since names cannot hold digits."""
    text = ""
    while True:
        n, digit = divmod(n, 26)
        text = chr(ord("a") + digit) + text
        if n == 0:
            return text
