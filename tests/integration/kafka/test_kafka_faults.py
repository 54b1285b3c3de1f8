"""Events survive a broker outage and a relay crash: nothing lost, none twice."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence

import pytest

from cims.adapters.kafka import (
    Backoff,
    EventConsumer,
    KafkaEventPublisher,
    KafkaSettings,
    RelayRunner,
)
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.relay import EventRelay
from cims.ports.outbound.events import OutboxMessage
from tests.support.customers import customer_document, memory_service
from tests.support.events import Collected, outbox_order, per_customer
from tests.support.kafka import KafkaCluster, read_topic, unique_group, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.slow]


@pytest.fixture
def fast_settings(kafka: KafkaCluster, settings: KafkaSettings) -> KafkaSettings:
    """This test's topics, with timeouts short enough to notice an outage fast."""
    return kafka.settings(
        topics=dict(settings.topics),
        request_timeout_ms=2_000,
        delivery_timeout_ms=3_000,
    )


@pytest.fixture
def consumer(fast_settings: KafkaSettings) -> Iterator[tuple[EventConsumer, Collected]]:
    collected = Collected()
    consumer = EventConsumer(
        fast_settings, unique_group("faults"), ["customer-updates"], collected
    )
    stop = threading.Event()
    thread = threading.Thread(
        target=consumer.run, args=(stop, Backoff(initial=0.1, maximum=1.0))
    )
    thread.start()
    yield consumer, collected
    stop.set()
    thread.join(30)


def make_changes(customers: CustomerService, count: int, start: int = 0) -> None:
    """Register `count` customers and amend each of them three times."""
    for n in range(start, start + count):
        customer_id = customers.register(customer_document(n)).customer_id
        for step in range(3):
            customers.amend(customer_id, {"email": f"c{n}s{step}@example.com"})


def test_use_cases_work_through_an_outage_and_every_event_arrives_once_in_order(
    kafka: KafkaCluster,
    fast_settings: KafkaSettings,
    consumer: tuple[EventConsumer, Collected],
    caplog: pytest.LogCaptureFixture,
) -> None:
    _, collected = consumer
    store, customers = memory_service()
    publisher = KafkaEventPublisher(fast_settings)
    runner = RelayRunner(
        EventRelay(store, publisher),
        batch_size=50,
        poll_interval=0.05,
        backoff=Backoff(initial=0.2, maximum=1.0),
    )
    stop = threading.Event()
    relay_thread = runner.start_thread(stop)
    try:
        make_changes(customers, 5)
        wait_until(lambda: not store.pending(1), 30, "the first events to publish")

        kafka.cut()
        with caplog.at_level(logging.WARNING, "cims.adapters.kafka"):
            make_changes(customers, 20, start=5)
            wait_until(
                lambda: caplog.text.count("events stay in the outbox") >= 2,
                30,
                "the relay to report the outage twice",
            )
            waiting = len(store.pending(1000))
        kafka.restore()

        wait_until(lambda: not store.pending(1), 60, "the outbox to drain")
        wait_until(lambda: len(collected) >= 100, 60, "the consumer to catch up")
    finally:
        stop.set()
        relay_thread.join(30)
        publisher.close()

    assert waiting > 0
    assert "check that the broker is up" in caplog.text
    assert "publishing works again after" in caplog.text
    assert len(collected) == len(store.outbox) == 100
    assert sorted(collected.ids()) == sorted(m.event_id for m in store.outbox)
    assert per_customer(collected.events) == outbox_order(store.outbox)


class RelayKilled(BaseException):
    """Stands in for the relay process dying (SIGKILL) in the middle of a batch."""


class DiesMidBatch:
    """Publishes the first `survivors` messages of a batch, then 'dies'."""

    def __init__(self, publisher: KafkaEventPublisher, survivors: int) -> None:
        self._publisher = publisher
        self._survivors = survivors

    def publish(self, messages: Sequence[OutboxMessage]) -> None:
        self._publisher.publish(messages[: self._survivors])
        raise RelayKilled


def test_a_relay_killed_mid_batch_loses_nothing_after_restart(
    fast_settings: KafkaSettings, consumer: tuple[EventConsumer, Collected]
) -> None:
    event_consumer, collected = consumer
    store, customers = memory_service()
    make_changes(customers, 10)
    doomed = KafkaEventPublisher(fast_settings)

    with pytest.raises(RelayKilled):
        EventRelay(store, DiesMidBatch(doomed, survivors=15)).relay_once(40)
    doomed.close()
    assert len(store.pending(1000)) == 40

    publisher = KafkaEventPublisher(fast_settings)
    runner = RelayRunner(EventRelay(store, publisher), batch_size=40)
    stop = threading.Event()
    thread = runner.start_thread(stop)
    try:
        wait_until(lambda: not store.pending(1), 30, "the restarted relay to drain")
        wait_until(lambda: len(collected) >= 40, 60, "the consumer to catch up")
        wait_until(lambda: event_consumer.duplicates >= 15, 30, "duplicates to arrive")
    finally:
        stop.set()
        thread.join(30)
        publisher.close()
    on_topic = read_topic(fast_settings, fast_settings.topic("customer-updates"), 55)

    assert len(on_topic) == 55  # 15 sent twice: at-least-once
    assert len(collected) == 40
    assert event_consumer.duplicates == 15
    assert per_customer(collected.events) == outbox_order(store.outbox)
