"""A live `cims serve` on SQLite with Kafka: every API change reaches the topic."""

from __future__ import annotations

import json

import pytest
import requests

from cims.adapters.kafka import KafkaSettings
from tests.support.kafka import read_topic
from tests.support.server import cims, running_service

pytestmark = [pytest.mark.kafka, pytest.mark.e2e]

BODY = {
    "firstName": "Jane",
    "lastName": "Roe",
    "email": "jane.roe@example.com",
    "phone": "1234567890",
    "address": "12 High St",
    "kycStatus": "Pending",
}


def test_a_plain_consumer_sees_every_change_made_through_the_api(
    settings: KafkaSettings, tmp_path
) -> None:
    topics = ",".join(f"{k}={v}" for k, v in settings.topics.items())
    env = {
        "CIMS_EVENTS": "kafka",
        "CIMS_KAFKA_BOOTSTRAP_SERVERS": ",".join(settings.bootstrap_servers),
        "CIMS_KAFKA_TOPICS": topics,
    }
    with running_service(tmp_path, env) as (base_url, environment):
        token = cims(["token", "create", "--scope", "admin"], environment)
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        url = f"{base_url}/v1/customers"

        customer_id = session.post(url, json=BODY, timeout=10).json()["id"]
        session.put(
            f"{url}/{customer_id}",
            timeout=10,
            json={**BODY, "phone": "0987654321", "address": "9 Elm Rd"},
        )
        session.post(
            f"{url}/{customer_id}/activities", json={"type": "login"}, timeout=10
        )
        session.delete(f"{url}/{customer_id}", timeout=10)

        updates = read_topic(settings, settings.topic("customer-updates"), 3)
        activity = read_topic(settings, settings.topic("customer-activity"), 1)

    values = [json.loads(record.value) for record in updates]
    assert [v["event"] for v in values] == [
        "CUSTOMER_CREATED",
        "CUSTOMER_UPDATED",
        "CUSTOMER_DELETED",
    ]
    assert {record.key for record in updates} == {customer_id.encode()}
    assert values[1]["changes"] == {"phone": "0987654321", "address": "9 Elm Rd"}
    assert json.loads(activity[0].value)["activityType"] == "login"
