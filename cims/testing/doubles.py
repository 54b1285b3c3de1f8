"""A clock you move by hand and ids that count: deterministic tests on CIMS."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import uuid

__all__ = ["FixedClock", "SequentialIds"]

DEFAULT_START = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)


class FixedClock:
    """Implements the Clock port; time stands still until `advance` moves it."""

    def __init__(self, start: dt.datetime = DEFAULT_START) -> None:
        if start.tzinfo is None:
            msg = f"start must be timezone-aware; got {start!r}"
            raise ValueError(msg)
        self.current = start

    def now(self) -> dt.datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        """Move time forward, e.g. `clock.advance(days=400)`."""
        self.current += dt.timedelta(**delta)


class SequentialIds:
    """Implements the IdFactory port: UUIDs 1, 2, 3... in creation order.

    Like the real factory's, these ids sort in the order they were made, so
    listings come back in creation order.
    """

    def __init__(self) -> None:
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def new_id(self) -> str:
        with self._lock:
            return str(uuid.UUID(int=next(self._counter)))
