"""Kafka adapters: publishing outbox messages, relaying, consuming events."""

from cims.adapters.kafka.backoff import Backoff
from cims.adapters.kafka.consumer import EventConsumer, dead_letter_topic
from cims.adapters.kafka.dedup import ProcessedEvents, RecentEventIds
from cims.adapters.kafka.publisher import KafkaEventPublisher
from cims.adapters.kafka.relay_runner import RelayRunner, run_until_signalled
from cims.adapters.kafka.settings import KafkaConfigError, KafkaSettings, from_env
from cims.adapters.kafka.topics import ensure_topics

__all__ = [
    "Backoff",
    "EventConsumer",
    "KafkaConfigError",
    "KafkaEventPublisher",
    "KafkaSettings",
    "ProcessedEvents",
    "RecentEventIds",
    "RelayRunner",
    "dead_letter_topic",
    "ensure_topics",
    "from_env",
    "run_until_signalled",
]
