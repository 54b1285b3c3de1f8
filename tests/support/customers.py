"""Customer documents and a deterministic clock and id factory for tests."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import uuid
from typing import Any

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
