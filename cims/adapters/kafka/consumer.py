"""Consuming CIMS events: a handler API for teams that react to customers.

A team writes a function taking the event as a dict (the JSON message) and
hands it to `EventConsumer`, which takes care of the Kafka side:

- a consumer group, so instances share the partitions;
- offsets committed only after the handler returned (at-least-once);
- events already handled (same `eventId`) are skipped;
- a message the handler keeps failing on goes to `<topic>.dlq` with the error,
  and the partition moves on instead of blocking behind it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition

from cims.adapters.kafka.backoff import Backoff
from cims.adapters.kafka.clients import create_client
from cims.adapters.kafka.dedup import ProcessedEvents, RecentEventIds
from cims.adapters.kafka.publisher import abandon
from cims.adapters.kafka.settings import KafkaSettings
from cims.domain.errors import ServiceUnavailable

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]
ClientFactory = Callable[..., Any]

DLQ_SUFFIX = ".dlq"
MAX_ERROR_TEXT = 2_000


def dead_letter_topic(topic: str) -> str:
    return topic + DLQ_SUFFIX


class EventConsumer:
    """Calls `handler` once per event on `topics`, in partition order.

    `topics` are logical names (`customer-updates`), renamed by the settings'
    topic map. A handler that raises is retried `max_attempts` times with a
    short pause; then the message is dead-lettered. A message that is not a
    JSON object is dead-lettered at once: retrying cannot fix it.

    LIMITATION: retries happen inline, so a failing handler holds up its
    partition for about `max_attempts * retry_delay` seconds. Handlers whose
    dependency is down for longer should raise `ServiceUnavailable`, which
    pauses the consumer without dead-lettering (the message is redelivered).
    """

    def __init__(
        self,
        settings: KafkaSettings,
        group_id: str,
        topics: Iterable[str],
        handler: Handler,
        processed: ProcessedEvents | None = None,
        *,
        max_attempts: int = 3,
        retry_delay: float = 0.2,
        max_poll_records: int = 500,
        consumer_factory: ClientFactory = KafkaConsumer,
        producer_factory: ClientFactory = KafkaProducer,
    ) -> None:
        if max_attempts < 1:
            msg = f"max_attempts must be at least 1; got {max_attempts!r}"
            raise ValueError(msg)
        self._settings = settings
        self._group_id = group_id
        self._topics = [settings.topic(topic) for topic in topics]
        self._handler = handler
        self._processed = processed if processed is not None else RecentEventIds()
        self._max_attempts = max_attempts
        self._retry_delay = retry_delay
        self._max_poll_records = max_poll_records
        self._consumer_factory = consumer_factory
        self._producer_factory = producer_factory
        self._consumer: Any = None
        self._producer: Any = None
        self.handled = 0
        self.duplicates = 0
        self.dead_lettered = 0

    def run(self, stop: threading.Event, backoff: Backoff | None = None) -> None:
        """Consume until `stop` is set, then leave the group and close."""
        backoff = backoff or Backoff()
        log.info(
            "consumer group %r started on %s", self._group_id, ", ".join(self._topics)
        )
        try:
            while not stop.is_set():
                try:
                    self.poll_once()
                except ServiceUnavailable as ex:
                    delay = backoff.next_delay()
                    log.warning(
                        "consumer group %r paused: %s; nothing was committed past "
                        "the failed event, retry %d in %.1fs",
                        self._group_id,
                        ex,
                        backoff.failures,
                        delay,
                    )
                    stop.wait(delay)
                else:
                    backoff.reset()
        finally:
            self.close()

    def poll_once(self, timeout_ms: int = 500) -> int:
        """Fetch one batch, handle it and commit; return how many were handled.

        Raises:
            ServiceUnavailable: the broker, the dead-letter topic or the
                handler's own dependency is unavailable. Partitions are
                rewound to the first unhandled message.
        """
        consumer = self._connected()
        batches = consumer.poll(
            timeout_ms=timeout_ms, max_records=self._max_poll_records
        )
        done: dict[TopicPartition, int] = {}
        count = 0
        try:
            for partition, records in batches.items():
                for record in records:
                    self._handle(record)
                    done[partition] = record.offset + 1
                    count += 1
        except BaseException:
            for partition, records in batches.items():
                consumer.seek(partition, done.get(partition, records[0].offset))
            raise
        finally:
            self._commit(done)
        return count

    def close(self) -> None:
        if self._consumer is not None:
            self._consumer.close()
            self._consumer = None
        if self._producer is not None:
            self._producer.close(timeout=5)
            self._producer = None

    def _connected(self) -> Any:
        if self._consumer is None:
            try:
                consumer = create_client(
                    self._consumer_factory,
                    **self._settings.consumer_config(self._group_id),
                )
            except KafkaError as ex:
                raise _unavailable(self._settings, "cannot connect", ex) from ex
            consumer.subscribe(self._topics)
            self._consumer = consumer
        return self._consumer

    def _handle(self, record: Any) -> None:
        try:
            event = json.loads(record.value)
        except (TypeError, ValueError) as ex:
            self._dead_letter(record, f"not JSON: {ex}", attempts=0)
            return
        if not isinstance(event, dict):
            self._dead_letter(record, "not a JSON object", attempts=0)
            return

        event_id = event.get("eventId")
        if isinstance(event_id, str) and self._processed.seen(event_id):
            self.duplicates += 1
            log.debug("skipping event %s: already handled", event_id)
            return

        error = self._call_handler(record, event)
        if error is not None:
            self._dead_letter(record, error, attempts=self._max_attempts)
        else:
            self.handled += 1
        if isinstance(event_id, str):
            self._processed.remember(event_id)

    def _call_handler(self, record: Any, event: dict[str, Any]) -> str | None:
        """Run the handler with retries; return the last error's text, if any."""
        text = ""
        for attempt in range(1, self._max_attempts + 1):
            try:
                self._handler(event)
                return None
            except ServiceUnavailable:
                raise
            except Exception as ex:
                text = f"{type(ex).__name__}: {ex}"
                log.warning(
                    "handler of group %r failed on %s[%d]@%d (eventId=%s), "
                    "attempt %d of %d: %s",
                    self._group_id,
                    record.topic,
                    record.partition,
                    record.offset,
                    event.get("eventId"),
                    attempt,
                    self._max_attempts,
                    text,
                )
                if attempt < self._max_attempts:
                    time.sleep(self._retry_delay * attempt)
        return text[:MAX_ERROR_TEXT]

    def _dead_letter(self, record: Any, error: str, attempts: int) -> None:
        topic = dead_letter_topic(record.topic)
        headers = [
            *(record.headers or []),
            ("cims.dlq.error", error.encode()),
            ("cims.dlq.topic", record.topic.encode()),
            ("cims.dlq.partition", str(record.partition).encode()),
            ("cims.dlq.offset", str(record.offset).encode()),
            ("cims.dlq.attempts", str(attempts).encode()),
            ("cims.dlq.group", self._group_id.encode()),
            ("cims.dlq.failed-at", _now_iso().encode()),
        ]
        try:
            if self._producer is None:
                self._producer = create_client(
                    self._producer_factory, **self._settings.producer_config()
                )
            future = self._producer.send(
                topic, key=record.key, value=record.value, headers=headers
            )
            future.get(timeout=self._settings.delivery_timeout_ms / 1000 + 1)
        except KafkaError as ex:
            if self._producer is not None:
                abandon(self._producer)
                self._producer = None
            raise _unavailable(
                self._settings, f"cannot write to dead-letter topic {topic}", ex
            ) from ex

        self.dead_lettered += 1
        log.error(
            "group %r moved %s[%d]@%d to %s after %d attempts: %s; fix the cause "
            "and replay it from there",
            self._group_id,
            record.topic,
            record.partition,
            record.offset,
            topic,
            attempts,
            error,
        )

    def _commit(self, done: dict[TopicPartition, int]) -> None:
        if not done or self._consumer is None:
            return
        offsets = {
            partition: OffsetAndMetadata(offset, "", -1)
            for partition, offset in done.items()
        }
        try:
            self._consumer.commit(offsets)
        except KafkaError as ex:
            # Not fatal: the events were handled; whoever owns the partitions
            # next gets them again and the processed-events store drops them.
            log.warning(
                "group %r could not commit offsets %s: %s; those events will be "
                "redelivered",
                self._group_id,
                {f"{p.topic}[{p.partition}]": o for p, o in done.items()},
                ex,
            )


def _unavailable(
    settings: KafkaSettings, what: str, ex: Exception
) -> ServiceUnavailable:
    servers = ",".join(settings.bootstrap_servers)
    reason = f"{what} at {servers}: {type(ex).__name__}: {ex}"
    return ServiceUnavailable("kafka", reason)


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat().replace("+00:00", "Z")
