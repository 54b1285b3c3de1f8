"""Fixtures for tests against a Kafka broker (Tansu unless configured)."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

import tests.support.quiet_kafka  # noqa: F401  (before anything imports kafka)
from cims.adapters.kafka import KafkaSettings, ensure_topics
from tests.support.kafka import KafkaCluster, kafka_cluster


@pytest.fixture(scope="session")
def kafka() -> Iterator[KafkaCluster]:
    with kafka_cluster() as cluster:
        yield cluster


@pytest.fixture
def settings(kafka: KafkaCluster) -> KafkaSettings:
    """Settings with topics of this test's own, already created."""
    settings = kafka.isolated_settings()
    ensure_topics(settings, partitions=3)
    return settings


@pytest.fixture(autouse=True)
def quiet_kafka_client_logs() -> Iterator[None]:
    """kafka-python logs every dropped connection at ERROR; the outage tests
    drop hundreds on purpose, and CIMS's own lines say what matters."""
    client_log = logging.getLogger("kafka")
    level = client_log.level
    client_log.setLevel(logging.CRITICAL)
    yield
    client_log.setLevel(level)
