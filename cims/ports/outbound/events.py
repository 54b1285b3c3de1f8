"""Ports for getting domain events out of the core reliably.

Use cases add events to the `EventOutbox` inside their unit of work, so an
event is stored if and only if the change it describes is. A relay later
reads the outbox and hands messages to an `EventPublisher`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, Protocol

import attrs

from cims.domain.events import DomainEvent


@attrs.frozen
class OutboxMessage:
    """An event as stored for publishing: position, topic, key and JSON value."""

    position: int
    topic: str
    key: str
    value: dict[str, Any]
    created_at: dt.datetime

    @property
    def event_id(self) -> str:
        return str(self.value["eventId"])


class EventOutbox(Protocol):
    def add(self, events: Sequence[DomainEvent]) -> None:
        """Record events in the current unit of work."""
        ...


class OutboxReader(Protocol):
    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        """The oldest unpublished messages, in commit order."""
        ...

    def mark_published(self, positions: Sequence[int]) -> None: ...


class EventPublisher(Protocol):
    def publish(self, messages: Sequence[OutboxMessage]) -> None:
        """Deliver messages in order; return only once all are acknowledged.

        Raises:
            ServiceUnavailable: the broker did not acknowledge them all.
        """
        ...
