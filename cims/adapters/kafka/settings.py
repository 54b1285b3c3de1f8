"""Kafka connection and client settings, read from `CIMS_KAFKA_*` variables.

Every CIMS Kafka client (publisher, consumers, topic admin) is built from one
`KafkaSettings`, so security and timeouts are configured in a single place.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import attrs

from cims.domain.errors import CimsError

PREFIX = "CIMS_KAFKA_"
SECURITY_PROTOCOLS = ("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL")
SASL_MECHANISMS = ("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512")


class KafkaConfigError(CimsError, ValueError):
    """A `CIMS_KAFKA_*` variable holds a value CIMS cannot use."""

    def __init__(self, variable: str, expected: str, got: str) -> None:
        self.variable = variable
        super().__init__(f"{variable} must be {expected}; got {got!r}")


@attrs.frozen(kw_only=True)
class KafkaSettings:
    """How to reach the cluster and how CIMS clients behave on it.

    `topics` renames logical topics (`customer-updates`, `customer-activity`)
    to the names a cluster's operators chose; unnamed topics keep their
    logical name. The consumer timeouts are short so group joins and failover
    take seconds, not the half minute of Kafka's defaults.
    """

    bootstrap_servers: tuple[str, ...] = ("localhost:9092",)
    client_id: str = "cims"
    security_protocol: str = "PLAINTEXT"
    sasl_mechanism: str | None = None
    sasl_username: str | None = None
    sasl_password: str | None = attrs.field(default=None, repr=False)
    ssl_cafile: str | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None
    ssl_password: str | None = attrs.field(default=None, repr=False)
    topics: Mapping[str, str] = attrs.field(factory=dict)
    retries: int = 5
    request_timeout_ms: int = 10_000
    delivery_timeout_ms: int = 30_000
    linger_ms: int = 5
    session_timeout_ms: int = 6_000
    heartbeat_interval_ms: int = 2_000
    max_poll_interval_ms: int = 300_000
    fetch_max_wait_ms: int = 100

    def __attrs_post_init__(self) -> None:
        _check(self)

    def topic(self, logical: str) -> str:
        """The cluster's name for a logical topic."""
        return self.topics.get(logical, logical)

    def client_config(self) -> dict[str, Any]:
        """Connection options shared by producers, consumers and admin clients."""
        config: dict[str, Any] = {
            "bootstrap_servers": list(self.bootstrap_servers),
            "client_id": self.client_id,
            "security_protocol": self.security_protocol,
            "request_timeout_ms": self.request_timeout_ms,
        }
        if self.sasl_mechanism:
            config["sasl_mechanism"] = self.sasl_mechanism
            config["sasl_plain_username"] = self.sasl_username
            config["sasl_plain_password"] = self.sasl_password
        optional = {
            "ssl_cafile": self.ssl_cafile,
            "ssl_certfile": self.ssl_certfile,
            "ssl_keyfile": self.ssl_keyfile,
            "ssl_password": self.ssl_password,
        }
        config.update({name: value for name, value in optional.items() if value})
        return config

    def producer_config(self) -> dict[str, Any]:
        """Producer options for at-least-once delivery in per-key order.

        acks=all waits for every in-sync replica; idempotence plus one request
        in flight keeps a retried batch from overtaking the next one.
        """
        return {
            **self.client_config(),
            "acks": "all",
            "enable_idempotence": True,
            "max_in_flight_requests_per_connection": 1,
            "retries": self.retries,
            "linger_ms": self.linger_ms,
            "delivery_timeout_ms": self.delivery_timeout_ms,
            "max_block_ms": self.request_timeout_ms,
            "bootstrap_timeout_ms": self.request_timeout_ms,
        }

    def consumer_config(self, group_id: str) -> dict[str, Any]:
        """Consumer options: a group, manual commits, fast joins."""
        return {
            **self.client_config(),
            "group_id": group_id,
            "enable_auto_commit": False,
            "auto_offset_reset": "earliest",
            "session_timeout_ms": self.session_timeout_ms,
            "heartbeat_interval_ms": self.heartbeat_interval_ms,
            "max_poll_interval_ms": self.max_poll_interval_ms,
            "fetch_max_wait_ms": self.fetch_max_wait_ms,
            "bootstrap_timeout_ms": self.request_timeout_ms,
        }


def from_env(environ: Mapping[str, str]) -> KafkaSettings:
    """Build settings from `CIMS_KAFKA_*` variables; unset ones keep defaults.

    Raises:
        KafkaConfigError: a variable is set to something unusable.
    """
    found: dict[str, Any] = {}

    def text(name: str) -> str | None:
        value = environ.get(PREFIX + name, "").strip()
        return value or None

    servers = text("BOOTSTRAP_SERVERS")
    if servers is not None:
        found["bootstrap_servers"] = _servers(servers)
    for field, name in _TEXT_VARIABLES.items():
        value = text(name)
        if value is not None:
            found[field] = value
    for field, name in _INT_VARIABLES.items():
        value = text(name)
        if value is not None:
            found[field] = _whole_number(PREFIX + name, value)
    topics = text("TOPICS")
    if topics is not None:
        found["topics"] = _topic_map(topics)

    if "security_protocol" in found:
        found["security_protocol"] = found["security_protocol"].upper()
    if "sasl_mechanism" in found:
        found["sasl_mechanism"] = found["sasl_mechanism"].upper()
    return KafkaSettings(**found)


_TEXT_VARIABLES = {
    "client_id": "CLIENT_ID",
    "security_protocol": "SECURITY_PROTOCOL",
    "sasl_mechanism": "SASL_MECHANISM",
    "sasl_username": "SASL_USERNAME",
    "sasl_password": "SASL_PASSWORD",
    "ssl_cafile": "SSL_CAFILE",
    "ssl_certfile": "SSL_CERTFILE",
    "ssl_keyfile": "SSL_KEYFILE",
    "ssl_password": "SSL_PASSWORD",
}
_INT_VARIABLES = {
    "retries": "RETRIES",
    "request_timeout_ms": "REQUEST_TIMEOUT_MS",
    "delivery_timeout_ms": "DELIVERY_TIMEOUT_MS",
    "linger_ms": "LINGER_MS",
    "session_timeout_ms": "SESSION_TIMEOUT_MS",
    "heartbeat_interval_ms": "HEARTBEAT_INTERVAL_MS",
    "max_poll_interval_ms": "MAX_POLL_INTERVAL_MS",
    "fetch_max_wait_ms": "FETCH_MAX_WAIT_MS",
}


def _servers(raw: str) -> tuple[str, ...]:
    servers = tuple(part.strip() for part in raw.split(",") if part.strip())
    for server in servers:
        host, _, port = server.rpartition(":")
        if not host or not port.isdigit():
            raise KafkaConfigError(
                PREFIX + "BOOTSTRAP_SERVERS",
                "a comma-separated list of host:port",
                raw,
            )
    return servers


def _whole_number(variable: str, raw: str) -> int:
    if not raw.isdigit():
        raise KafkaConfigError(variable, "a whole number >= 0", raw)
    return int(raw)


def _topic_map(raw: str) -> dict[str, str]:
    """Parse `logical=actual,logical=actual`."""
    mapping: dict[str, str] = {}
    for pair in raw.split(","):
        logical, sep, actual = (part.strip() for part in pair.partition("="))
        if not pair.strip():
            continue
        if not sep or not logical or not actual:
            raise KafkaConfigError(
                PREFIX + "TOPICS",
                "comma-separated logical=actual pairs, "
                "e.g. customer-updates=bank.cims.customer-updates",
                raw,
            )
        mapping[logical] = actual
    return mapping


def _check(settings: KafkaSettings) -> None:
    if not settings.bootstrap_servers:
        raise KafkaConfigError(
            PREFIX + "BOOTSTRAP_SERVERS", "at least one host:port", ""
        )
    if settings.security_protocol not in SECURITY_PROTOCOLS:
        raise KafkaConfigError(
            PREFIX + "SECURITY_PROTOCOL",
            "one of " + ", ".join(SECURITY_PROTOCOLS),
            settings.security_protocol,
        )

    uses_sasl = settings.security_protocol.startswith("SASL_")
    if uses_sasl and settings.sasl_mechanism not in SASL_MECHANISMS:
        raise KafkaConfigError(
            PREFIX + "SASL_MECHANISM",
            f"one of {', '.join(SASL_MECHANISMS)} with {settings.security_protocol}",
            settings.sasl_mechanism or "",
        )
    if uses_sasl and not (settings.sasl_username and settings.sasl_password):
        # Never echo the password: say only which of the two is missing.
        missing = "SASL_USERNAME" if not settings.sasl_username else "SASL_PASSWORD"
        raise KafkaConfigError(
            PREFIX + missing,
            f"set when {PREFIX}SECURITY_PROTOCOL={settings.security_protocol}",
            "",
        )
    if not uses_sasl and settings.sasl_mechanism:
        raise KafkaConfigError(
            PREFIX + "SECURITY_PROTOCOL",
            f"SASL_PLAINTEXT or SASL_SSL when {PREFIX}SASL_MECHANISM is set",
            settings.security_protocol,
        )
    for variable, path in (
        ("SSL_CAFILE", settings.ssl_cafile),
        ("SSL_CERTFILE", settings.ssl_certfile),
        ("SSL_KEYFILE", settings.ssl_keyfile),
    ):
        if path is not None and not os.path.isfile(path):
            raise KafkaConfigError(PREFIX + variable, "a readable file", path)
    if settings.delivery_timeout_ms <= settings.request_timeout_ms + settings.linger_ms:
        raise KafkaConfigError(
            PREFIX + "DELIVERY_TIMEOUT_MS",
            "more than REQUEST_TIMEOUT_MS + LINGER_MS "
            f"({settings.request_timeout_ms + settings.linger_ms} ms)",
            str(settings.delivery_timeout_ms),
        )
    if settings.heartbeat_interval_ms * 3 > settings.session_timeout_ms:
        raise KafkaConfigError(
            PREFIX + "HEARTBEAT_INTERVAL_MS",
            "at most a third of the session timeout "
            f"({settings.session_timeout_ms} ms)",
            str(settings.heartbeat_interval_ms),
        )
