"""The publisher's contract without a broker: all acknowledged, or unavailable."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from kafka.errors import KafkaConnectionError, KafkaTimeoutError

from cims.adapters.kafka.publisher import KafkaEventPublisher
from cims.adapters.kafka.settings import KafkaSettings
from cims.domain.errors import ServiceUnavailable
from cims.ports.outbound.events import OutboxMessage


def message(position: int, topic: str = "customer-updates") -> OutboxMessage:
    return OutboxMessage(
        position=position,
        topic=topic,
        key=f"c{position}",
        value={"event": "CUSTOMER_DELETED", "eventId": f"e{position}", "name": "Zoë"},
        created_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )


class Done:
    def __init__(self, error: Exception | None = None) -> None:
        self.error = error

    def get(self, timeout: float) -> None:
        if self.error:
            raise self.error


class FakeProducer:
    instances: list[FakeProducer] = []

    def __init__(self, fail_on: int | None = None, **config: Any) -> None:
        self.config = config
        self.sent: list[tuple[str, bytes, bytes]] = []
        self.fail_on = fail_on
        self.closed = False
        FakeProducer.instances.append(self)

    def send(self, topic: str, key: bytes, value: bytes) -> Done:
        self.sent.append((topic, key, value))
        if self.fail_on == len(self.sent):
            return Done(KafkaTimeoutError("batch expired"))
        return Done()

    def flush(self, timeout: float) -> None:
        pass

    def close(self, timeout: float) -> None:
        self.closed = True


def test_messages_are_sent_to_the_mapped_topic_keyed_by_customer_as_json() -> None:
    settings = KafkaSettings(topics={"customer-updates": "bank.updates"})
    producers: list[FakeProducer] = []

    def factory(**config: Any) -> FakeProducer:
        producers.append(FakeProducer(**config))
        return producers[-1]

    publisher = KafkaEventPublisher(settings, producer_factory=factory)

    publisher.publish([message(1), message(2, topic="customer-activity")])

    topics = [topic for topic, _, _ in producers[0].sent]
    assert topics == ["bank.updates", "customer-activity"]
    assert producers[0].sent[0][1] == b"c1"
    assert json.loads(producers[0].sent[0][2]) == message(1).value
    assert "Zoë".encode() in producers[0].sent[0][2]


def test_one_unacknowledged_message_fails_the_batch_and_drops_the_producer() -> None:
    producers: list[FakeProducer] = []

    def factory(**config: Any) -> FakeProducer:
        producers.append(FakeProducer(fail_on=2 if not producers else None, **config))
        return producers[-1]

    publisher = KafkaEventPublisher(KafkaSettings(), producer_factory=factory)

    with pytest.raises(ServiceUnavailable) as caught:
        publisher.publish([message(1), message(2), message(3)])
    publisher.publish([message(1)])

    assert "outbox positions 1..3" in str(caught.value)
    assert "KafkaTimeoutError" in str(caught.value)
    assert producers[0].closed
    assert len(producers) == 2


def test_an_unreachable_cluster_is_reported_as_unavailable() -> None:
    def factory(**config: Any) -> FakeProducer:
        raise KafkaConnectionError()

    publisher = KafkaEventPublisher(
        KafkaSettings(bootstrap_servers=("kafka-1:9092",)), producer_factory=factory
    )

    with pytest.raises(ServiceUnavailable, match="kafka-1:9092"):
        publisher.publish([message(1)])
