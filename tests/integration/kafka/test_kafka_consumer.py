"""The consumer API: handles each event once, dead-letters what it cannot."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from cims.adapters.kafka import (
    EventConsumer,
    KafkaEventPublisher,
    KafkaSettings,
    dead_letter_topic,
)
from cims.ports.inbound.relay import EventRelay
from tests.support.customers import customer_document, memory_service
from tests.support.events import Collected
from tests.support.kafka import read_topic, unique_group, wait_until

pytestmark = pytest.mark.kafka


def run_in_thread(consumer: EventConsumer) -> tuple[threading.Event, threading.Thread]:
    stop = threading.Event()
    thread = threading.Thread(target=consumer.run, args=(stop,))
    thread.start()
    return stop, thread


def committed_offsets(settings: KafkaSettings, group: str, topic: str) -> list[int]:
    client = KafkaConsumer(
        bootstrap_servers=list(settings.bootstrap_servers), group_id=group
    )
    try:
        partitions = sorted(client.partitions_for_topic(topic) or ())
        return [client.committed(TopicPartition(topic, p)) or 0 for p in partitions]
    finally:
        client.close()


def test_a_poison_message_goes_to_the_dead_letter_topic_and_the_partition_moves_on(
    settings: KafkaSettings,
) -> None:
    store, customers = memory_service()
    customer_id = customers.register(customer_document(1)).customer_id
    for step in range(5):
        customers.amend(customer_id, {"email": f"step{step}@example.com"})
    poison = store.outbox[2]
    publisher = KafkaEventPublisher(settings)
    EventRelay(store, publisher).relay_once()
    publisher.close()
    handled = Collected()

    def handler(event: dict[str, Any]) -> None:
        if event["eventId"] == poison.event_id:
            raise RuntimeError("cannot apply this change to the CRM")
        handled(event)

    group = unique_group("poison")
    consumer = EventConsumer(
        settings, group, ["customer-updates"], handler, retry_delay=0.01
    )
    stop, thread = run_in_thread(consumer)
    try:
        wait_until(lambda: len(handled) == 5, 60, "the healthy events")
    finally:
        stop.set()
        thread.join(30)
    topic = settings.topic("customer-updates")
    dead = read_topic(settings, dead_letter_topic(topic), 1)

    assert consumer.dead_lettered == 1
    assert [event["eventId"] for event in handled.events] == [
        m.event_id for m in store.outbox if m.event_id != poison.event_id
    ]
    assert len(dead) == 1
    headers = dict(dead[0].headers)
    assert dead[0].key == customer_id.encode()
    assert json.loads(dead[0].value) == poison.value
    assert (
        headers["cims.dlq.error"]
        == b"RuntimeError: cannot apply this change to the CRM"
    )
    assert headers["cims.dlq.topic"] == topic.encode()
    assert headers["cims.dlq.attempts"] == b"3"
    assert sum(committed_offsets(settings, group, topic)) == 6


def test_a_message_that_is_not_json_is_dead_lettered_without_retrying(
    settings: KafkaSettings,
) -> None:
    topic = settings.topic("customer-updates")
    producer = KafkaProducer(bootstrap_servers=list(settings.bootstrap_servers))
    producer.send(topic, key=b"someone", value=b"{not json")
    producer.send(topic, key=b"someone", value=json.dumps({"eventId": "e1"}).encode())
    producer.flush()
    producer.close()
    calls: list[str] = []
    consumer = EventConsumer(
        settings,
        unique_group("garbage"),
        ["customer-updates"],
        lambda e: calls.append(e["eventId"]),
    )

    stop, thread = run_in_thread(consumer)
    try:
        wait_until(lambda: calls == ["e1"], 60, "the good message")
    finally:
        stop.set()
        thread.join(30)
    dead = read_topic(settings, dead_letter_topic(topic), 1)

    assert [record.value for record in dead] == [b"{not json"]
    assert dict(dead[0].headers)["cims.dlq.attempts"] == b"0"
    assert dict(dead[0].headers)["cims.dlq.error"].startswith(b"not JSON")


def test_an_event_delivered_twice_is_handled_once(settings: KafkaSettings) -> None:
    store, customers = memory_service()
    customers.register(customer_document(1))
    publisher = KafkaEventPublisher(settings)
    publisher.publish(store.pending(10))
    publisher.publish(store.pending(10))
    publisher.close()
    handled = Collected()
    consumer = EventConsumer(
        settings, unique_group("dedup"), ["customer-updates"], handled
    )

    stop, thread = run_in_thread(consumer)
    try:
        wait_until(lambda: consumer.duplicates == 1, 60, "the redelivery")
    finally:
        stop.set()
        thread.join(30)

    assert handled.ids() == [store.outbox[0].event_id]
