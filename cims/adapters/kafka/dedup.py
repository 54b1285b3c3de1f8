"""Remembering which events a consumer already handled, to drop redeliveries."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Protocol


class ProcessedEvents(Protocol):
    """Where a consumer records handled `eventId`s.

    The relay delivers at least once, so a consumer sees some events twice.
    A store shared by a consumer group's members (a table keyed by eventId)
    makes de-duplication survive restarts and rebalances; the in-memory
    default only covers one process's lifetime.
    """

    def seen(self, event_id: str) -> bool: ...

    def remember(self, event_id: str) -> None: ...


class RecentEventIds:
    """The last `capacity` event ids, forgetting the oldest first.

    LIMITATION: a duplicate arriving after `capacity` newer events, or after
    a restart, is handled again. Redeliveries come within one relay batch or
    outage, so 100,000 ids (about 10 MB) covers them in practice.
    """

    def __init__(self, capacity: int = 100_000) -> None:
        if capacity < 1:
            msg = f"capacity must be at least 1; got {capacity!r}"
            raise ValueError(msg)
        self._capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def seen(self, event_id: str) -> bool:
        with self._lock:
            return event_id in self._ids

    def remember(self, event_id: str) -> None:
        with self._lock:
            self._ids[event_id] = None
            self._ids.move_to_end(event_id)
            while len(self._ids) > self._capacity:
                self._ids.popitem(last=False)

    def __len__(self) -> int:
        return len(self._ids)
