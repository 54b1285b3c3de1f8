"""Every committed change reaches Kafka in the contract's shape."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cims.adapters.kafka import KafkaEventPublisher, KafkaSettings
from cims.domain.events import CustomerActivity
from cims.ports.inbound.kyc import Actor
from cims.ports.inbound.relay import EventRelay
from tests.support.customers import customer_document, memory_service
from tests.support.kafka import read_topic

pytestmark = pytest.mark.kafka


def test_a_plain_consumer_sees_every_change_keyed_by_customer_id(
    settings: KafkaSettings,
) -> None:
    store, customers = memory_service()
    ids = [customers.register(customer_document(n)).customer_id for n in range(5)]
    customers.amend(ids[0], {"email": "new@example.com"})
    customers.amend(
        ids[1], {"kycStatus": "Verified"}, actor=Actor("officer", kyc_officer=True)
    )
    customers.remove(ids[2])
    expected = list(store.pending(100))
    publisher = KafkaEventPublisher(settings)

    try:
        published = EventRelay(store, publisher).relay_once()
    finally:
        publisher.close()
    records = read_topic(settings, settings.topic("customer-updates"), len(expected))

    assert published == len(expected)
    assert {m.value["event"] for m in expected} == {
        "CUSTOMER_CREATED",
        "CUSTOMER_UPDATED",
        "CUSTOMER_DELETED",
        "KYC_STATUS_CHANGED",
    }
    assert store.pending(100) == []
    assert sorted(json.loads(r.value)["eventId"] for r in records) == sorted(
        m.event_id for m in expected
    )
    for record in records:
        value = json.loads(record.value)
        assert record.key == value["customerId"].encode()
        assert value == next(
            m.value for m in expected if m.event_id == value["eventId"]
        )
        assert {"event", "customerId", "eventId", "occurredAt"} <= value.keys()
        assert value["schemaVersion"] == 1
        assert value["producer"] == "cims"


def test_changes_of_one_customer_arrive_in_commit_order_on_one_partition(
    settings: KafkaSettings,
) -> None:
    store, customers = memory_service()
    customer_id = customers.register(customer_document(1)).customer_id
    for n in range(20):
        customers.amend(customer_id, {"email": f"step{n}@example.com"})
    publisher = KafkaEventPublisher(settings)

    try:
        EventRelay(store, publisher).relay_once()
    finally:
        publisher.close()
    records = read_topic(settings, settings.topic("customer-updates"), 21)

    assert len({r.partition for r in records}) == 1
    values = [json.loads(r.value) for r in sorted(records, key=lambda r: r.offset)]
    assert [v["event"] for v in values] == ["CUSTOMER_CREATED"] + [
        "CUSTOMER_UPDATED"
    ] * 20
    assert [v["changes"]["email"] for v in values[1:]] == [
        f"step{n}@example.com" for n in range(20)
    ]


def test_activity_events_go_to_the_activity_topic(settings: KafkaSettings) -> None:
    store, customers = memory_service()
    customer_id = customers.register(customer_document(1)).customer_id
    with store.unit_of_work() as uow:
        uow.outbox.add(
            [
                CustomerActivity(
                    event_id="activity-1",
                    customer_id=customer_id,
                    occurred_at=dt.datetime.now(dt.UTC),
                    activity_type="LOGIN",
                    channel="web",
                )
            ]
        )
        uow.commit()
    publisher = KafkaEventPublisher(settings)

    try:
        EventRelay(store, publisher).relay_once()
    finally:
        publisher.close()
    activity = read_topic(settings, settings.topic("customer-activity"), 1)
    updates = read_topic(settings, settings.topic("customer-updates"), 1)

    assert [json.loads(r.value)["event"] for r in activity] == ["CUSTOMER_ACTIVITY"]
    assert [json.loads(r.value)["event"] for r in updates] == ["CUSTOMER_CREATED"]
    assert activity[0].key == customer_id.encode()
