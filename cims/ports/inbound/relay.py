"""Relaying committed events from the outbox to the event bus."""

from __future__ import annotations

from cims.ports.outbound.events import EventPublisher, OutboxReader


class EventRelay:
    """Publishes pending outbox messages in commit order, at least once.

    A message is marked published only after the publisher returned, i.e.
    after the broker acknowledged it. If publishing fails, nothing is marked
    and the same batch is tried again next time: consumers de-duplicate on
    `eventId`.
    """

    def __init__(self, outbox: OutboxReader, publisher: EventPublisher) -> None:
        self._outbox = outbox
        self._publisher = publisher

    def relay_once(self, batch_size: int = 500) -> int:
        """Publish one batch; return how many messages were published."""
        messages = self._outbox.pending(batch_size)
        if not messages:
            return 0

        self._publisher.publish(messages)
        self._outbox.mark_published([message.position for message in messages])
        return len(messages)
