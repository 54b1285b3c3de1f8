"""Publishing outbox messages to Kafka with kafka-python.

Keys are customer ids, so all events of one customer land on one partition
and keep their order. Values are the event's JSON message.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from cims.adapters.kafka.clients import create_client
from cims.adapters.kafka.settings import KafkaSettings
from cims.domain.errors import ServiceUnavailable
from cims.ports.outbound.events import OutboxMessage

log = logging.getLogger(__name__)

ProducerFactory = Callable[..., Any]


def encode_value(value: dict[str, Any]) -> bytes:
    """The wire form of a message: compact UTF-8 JSON."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class KafkaEventPublisher:
    """An `EventPublisher` that returns only once the cluster acknowledged all.

    The producer is created on first use and thrown away after any failure:
    a fresh producer cannot deliver a leftover message of a failed batch after
    the relay has moved on, and it re-reads the bootstrap servers.
    """

    def __init__(
        self,
        settings: KafkaSettings,
        producer_factory: ProducerFactory = KafkaProducer,
    ) -> None:
        self._settings = settings
        self._producer_factory = producer_factory
        self._producer: Any = None
        self._lock = threading.Lock()

    def publish(self, messages: Sequence[OutboxMessage]) -> None:
        """Send every message, flush, and wait for each acknowledgement.

        Raises:
            ServiceUnavailable: the cluster could not be reached or did not
                acknowledge every message in time.
        """
        if not messages:
            return

        with self._lock:
            try:
                self._send_all(messages)
            except KafkaError as ex:
                self._discard_producer()
                raise ServiceUnavailable(
                    "kafka",
                    f"{len(messages)} events (outbox positions "
                    f"{messages[0].position}..{messages[-1].position}) were not "
                    f"acknowledged by {','.join(self._settings.bootstrap_servers)}: "
                    f"{type(ex).__name__}: {ex}",
                ) from ex

    def close(self, timeout: float = 5.0) -> None:
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=timeout)
                self._producer = None

    def _send_all(self, messages: Sequence[OutboxMessage]) -> None:
        producer = self._connected()
        started = time.monotonic()
        futures = [
            producer.send(
                self._settings.topic(message.topic),
                key=message.key.encode(),
                value=encode_value(message.value),
            )
            for message in messages
        ]
        deadline = self._settings.delivery_timeout_ms / 1000 + 1
        producer.flush(timeout=deadline)
        for future in futures:
            remaining = max(0.1, deadline - (time.monotonic() - started))
            future.get(timeout=remaining)

    def _connected(self) -> Any:
        if self._producer is None:
            self._producer = create_client(
                self._producer_factory, **self._settings.producer_config()
            )
        return self._producer

    def _discard_producer(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            abandon(producer)


def abandon(producer: Any) -> None:
    """Close a failed producer without sending what it still holds.

    Stopping the I/O thread first keeps a leftover of a failed batch from
    being sent behind the caller's back. LIMITATION: kafka-python offers no
    public "drop pending records" call, and close() flushes first and raises
    if that times out, leaving the thread running; so we reach for its sender.
    Should a later kafka-python rename it, this falls back to plain close().
    """
    sender = getattr(producer, "_sender", None)
    if sender is not None and hasattr(sender, "force_close"):
        sender.force_close()
    try:
        producer.close(timeout=1)
    except Exception:  # a broken producer may fail to close; it is gone anyway
        log.debug("closing a failed Kafka producer raised", exc_info=True)
