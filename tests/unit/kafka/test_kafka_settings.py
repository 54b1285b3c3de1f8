"""Reading Kafka settings from CIMS_KAFKA_* variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from cims.adapters.kafka.settings import KafkaConfigError, KafkaSettings, from_env


def test_no_variables_give_the_local_defaults() -> None:
    settings = from_env({})

    assert settings == KafkaSettings()
    assert settings.bootstrap_servers == ("localhost:9092",)
    assert settings.producer_config()["acks"] == "all"
    assert settings.producer_config()["max_in_flight_requests_per_connection"] == 1


def test_every_variable_is_read(tmp_path: Path) -> None:
    ca = tmp_path / "ca.pem"
    ca.write_text("cert")
    settings = from_env(
        {
            "CIMS_KAFKA_BOOTSTRAP_SERVERS": "k1:9093, k2:9093",
            "CIMS_KAFKA_CLIENT_ID": "cims-eu",
            "CIMS_KAFKA_SECURITY_PROTOCOL": "sasl_ssl",
            "CIMS_KAFKA_SASL_MECHANISM": "scram-sha-512",
            "CIMS_KAFKA_SASL_USERNAME": "cims",
            "CIMS_KAFKA_SASL_PASSWORD": "s3cret",
            "CIMS_KAFKA_SSL_CAFILE": str(ca),
            "CIMS_KAFKA_TOPICS": "customer-updates=bank.cims.updates",
            "CIMS_KAFKA_RETRIES": "7",
            "CIMS_KAFKA_REQUEST_TIMEOUT_MS": "15000",
            "CIMS_KAFKA_DELIVERY_TIMEOUT_MS": "60000",
            "CIMS_KAFKA_LINGER_MS": "20",
        }
    )

    assert settings.bootstrap_servers == ("k1:9093", "k2:9093")
    assert settings.security_protocol == "SASL_SSL"
    assert settings.sasl_mechanism == "SCRAM-SHA-512"
    assert settings.topic("customer-updates") == "bank.cims.updates"
    assert settings.topic("customer-activity") == "customer-activity"
    assert (settings.retries, settings.linger_ms) == (7, 20)
    config = settings.producer_config()
    assert config["sasl_plain_username"] == "cims"
    assert config["sasl_plain_password"] == "s3cret"
    assert config["ssl_cafile"] == str(ca)
    assert config["request_timeout_ms"] == 15000


def test_the_password_never_appears_in_the_settings_repr() -> None:
    settings = KafkaSettings(
        security_protocol="SASL_SSL",
        sasl_mechanism="PLAIN",
        sasl_username="cims",
        sasl_password="s3cret",
    )

    assert "s3cret" not in repr(settings)


def test_consumers_use_manual_commits_and_fast_group_joins() -> None:
    config = KafkaSettings().consumer_config("crm-sync")

    assert config["group_id"] == "crm-sync"
    assert config["enable_auto_commit"] is False
    assert config["session_timeout_ms"] == 6000
    assert config["heartbeat_interval_ms"] == 2000


@pytest.mark.parametrize(
    ("environ", "variable", "fragment"),
    [
        ({"CIMS_KAFKA_BOOTSTRAP_SERVERS": "kafka"}, "BOOTSTRAP_SERVERS", "host:port"),
        ({"CIMS_KAFKA_SECURITY_PROTOCOL": "TLS"}, "SECURITY_PROTOCOL", "'TLS'"),
        ({"CIMS_KAFKA_LINGER_MS": "5ms"}, "LINGER_MS", "'5ms'"),
        ({"CIMS_KAFKA_TOPICS": "customer-updates"}, "TOPICS", "logical=actual"),
        ({"CIMS_KAFKA_SSL_CAFILE": "/nowhere/ca.pem"}, "SSL_CAFILE", "readable file"),
        (
            {"CIMS_KAFKA_SECURITY_PROTOCOL": "SASL_SSL"},
            "SASL_MECHANISM",
            "one of PLAIN",
        ),
        (
            {"CIMS_KAFKA_SASL_MECHANISM": "PLAIN"},
            "SECURITY_PROTOCOL",
            "SASL_PLAINTEXT or SASL_SSL",
        ),
        (
            {"CIMS_KAFKA_DELIVERY_TIMEOUT_MS": "1000"},
            "DELIVERY_TIMEOUT_MS",
            "more than",
        ),
        (
            {"CIMS_KAFKA_HEARTBEAT_INTERVAL_MS": "5000"},
            "HEARTBEAT_INTERVAL_MS",
            "a third",
        ),
    ],
)
def test_an_unusable_variable_is_named_with_what_was_expected(
    environ: dict[str, str], variable: str, fragment: str
) -> None:
    with pytest.raises(KafkaConfigError) as caught:
        from_env(environ)

    assert str(caught.value).startswith(f"CIMS_KAFKA_{variable} must be")
    assert fragment in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_a_missing_sasl_password_is_reported_without_echoing_secrets() -> None:
    with pytest.raises(KafkaConfigError) as caught:
        from_env(
            {
                "CIMS_KAFKA_SECURITY_PROTOCOL": "SASL_SSL",
                "CIMS_KAFKA_SASL_MECHANISM": "PLAIN",
                "CIMS_KAFKA_SASL_USERNAME": "cims",
            }
        )

    assert caught.value.variable == "CIMS_KAFKA_SASL_PASSWORD"
