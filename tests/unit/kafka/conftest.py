"""Unit tests of the Kafka adapters need no broker, only a quiet kafka import."""

import tests.support.quiet_kafka  # noqa: F401
