"""Customer documents, a deterministic clock and id factory, a memory service."""

from __future__ import annotations

from typing import Any

from cims.adapters.memory import MemoryStore
from cims.adapters.system import SystemClock, TimeOrderedIds
from cims.ports.inbound.customers import CustomerService

# The deterministic clock and ids CIMS offers teams, used by its own tests too.
from cims.testing.doubles import FixedClock, SequentialIds

__all__ = ["FixedClock", "SequentialIds"]

SEED_CUSTOMER: dict[str, Any] = {
    "firstName": "Jane",
    "lastName": "Roe",
    "email": "jane.roe@example.com",
    "phone": "1234567890",
    "address": "12 High St",
    "kycStatus": "Pending",
}


def customer_body(**changes: Any) -> dict[str, Any]:
    return {**SEED_CUSTOMER, **changes}


def memory_service() -> tuple[MemoryStore, CustomerService]:
    store = MemoryStore()
    return store, CustomerService(
        store.unit_of_work,
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
