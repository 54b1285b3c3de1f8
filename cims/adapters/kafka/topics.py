"""Creating the topics CIMS publishes to, for tests and first deployments."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from kafka import KafkaAdminClient
from kafka.admin import NewTopic
from kafka.errors import KafkaError, TopicAlreadyExistsError

from cims.adapters.kafka.clients import create_client
from cims.adapters.kafka.consumer import dead_letter_topic
from cims.adapters.kafka.settings import KafkaSettings
from cims.domain.errors import ServiceUnavailable

log = logging.getLogger(__name__)

LOGICAL_TOPICS = ("customer-updates", "customer-activity")


def ensure_topics(
    settings: KafkaSettings,
    logical: Iterable[str] = LOGICAL_TOPICS,
    *,
    partitions: int = 6,
    replication_factor: int = 1,
    with_dead_letters: bool = True,
) -> list[str]:
    """Create the topics (and their `.dlq` twins) that do not exist yet.

    Production clusters usually create topics through their own tooling with
    a replication factor of 3; this is for tests and first deployments.
    Returns the names that were created.

    Raises:
        ServiceUnavailable: the cluster cannot be reached.
    """
    wanted = [settings.topic(name) for name in logical]
    if with_dead_letters:
        wanted += [dead_letter_topic(name) for name in wanted]

    try:
        admin = create_client(KafkaAdminClient, **settings.client_config())
    except KafkaError as ex:
        raise ServiceUnavailable("kafka", f"cannot create topics: {ex}") from ex
    try:
        missing = [name for name in wanted if name not in set(admin.list_topics())]
        if missing:
            admin.create_topics(
                [NewTopic(name, partitions, replication_factor) for name in missing]
            )
            log.info("created Kafka topics %s", ", ".join(missing))
        return missing
    except TopicAlreadyExistsError:
        return []  # another instance created them first
    except KafkaError as ex:
        raise ServiceUnavailable("kafka", f"cannot create topics: {ex}") from ex
    finally:
        admin.close()
