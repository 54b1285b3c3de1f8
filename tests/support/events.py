"""Collecting what a consumer handled, and checking it against the outbox."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from cims.ports.outbound.events import OutboxMessage


class Collected:
    """A thread-safe list of handled events, usable as an EventConsumer handler."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.events: list[dict[str, Any]] = []

    def __call__(self, event: dict[str, Any]) -> None:
        with self._lock:
            self.events.append(event)

    def ids(self) -> list[str]:
        with self._lock:
            return [event["eventId"] for event in self.events]

    def __len__(self) -> int:
        with self._lock:
            return len(self.events)


def per_customer(events: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Event ids of each customer, in the order given."""
    order: dict[str, list[str]] = defaultdict(list)
    for event in events:
        order[event["customerId"]].append(event["eventId"])
    return dict(order)


def outbox_order(messages: Iterable[OutboxMessage]) -> dict[str, list[str]]:
    return per_customer(m.value for m in sorted(messages, key=lambda m: m.position))
