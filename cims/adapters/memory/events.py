"""An in-memory event bus: the embedded twin of the Kafka publisher.

Messages are kept per topic in publish order; subscribers are called
synchronously. Like Kafka consumers, they must tolerate seeing a message
twice (the relay is at-least-once).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

from cims.ports.outbound.events import OutboxMessage

Handler = Callable[[str, dict[str, Any]], None]


class MemoryEventBus:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.topics: dict[str, list[tuple[str, dict[str, Any]]]] = defaultdict(list)
        self._subscribers: list[tuple[str, Handler]] = []

    def publish(self, messages: Sequence[OutboxMessage]) -> None:
        with self._lock:
            for message in messages:
                self.topics[message.topic].append((message.key, message.value))
            subscribers = list(self._subscribers)
        for message in messages:
            for topic, handler in subscribers:
                if topic == message.topic:
                    handler(message.key, message.value)

    def subscribe(self, topic: str, handler: Handler) -> None:
        with self._lock:
            self._subscribers.append((topic, handler))

    def messages(self, topic: str = "customer-updates") -> list[dict[str, Any]]:
        with self._lock:
            return [value for _key, value in self.topics[topic]]
