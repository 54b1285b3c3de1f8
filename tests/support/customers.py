"""Customer documents, a deterministic clock and id factory, a memory service."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import uuid
from typing import Any

from cims.adapters.memory import MemoryStore
from cims.adapters.system import SystemClock, TimeOrderedIds
from cims.ports.inbound.customers import CustomerService

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


class FixedClock:
    def __init__(self, start: dt.datetime | None = None) -> None:
        self.current = start or dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += dt.timedelta(**delta)


class SequentialIds:
    """Ids that sort in creation order, like the real factory's."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def new_id(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=next(self._counter)))


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
