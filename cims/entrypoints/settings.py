"""Settings for every entrypoint, read from the environment and a config file.

Precedence: environment variables (`CIMS_*`) over the YAML file named by
`CIMS_CONFIG` over the defaults below. The file uses the same names in lower
case without the prefix, e.g. `database_url: sqlite:///var/cims.db`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import yaml


@attrs.frozen
class Settings:
    storage: str = "sql"
    data_dir: str = ".cims"
    database_url: str = ""
    migrate_on_start: bool = True
    mongodb_url: str = "mongodb://127.0.0.1:27017"
    mongodb_database: str = "cims"
    events: str = "memory"
    relay_interval_seconds: float = 0.1
    relay_in_serve: bool = True
    default_region: str = "US"
    jwt_secret: str = ""
    jwt_issuer: str = "cims"
    jwt_audience: str = "cims-api"
    max_body_bytes: int = 1_000_000
    log_level: str = "INFO"
    sanctions_dir: str = ""
    kyc_require_identity_document: bool = False
    kyc_require_proof_of_address: bool = False
    # ISO 3166 alpha-2 codes separated by commas; empty means the FATF default.
    kyc_high_risk_countries: str = ""
    kyc_review_months_high: int = 12
    kyc_review_months_medium: int = 24
    kyc_review_months_low: int = 60
    # Batch jobs (see docs/batch.md).
    inbox_dir: str = ""
    feeds_file: str = ""
    schedule_file: str = ""
    job_lease_seconds: float = 300.0
    job_chunk_size: int = 500
    # Sources whose new customers may be merged without review when they
    # match at or above the match threshold (comma separated, e.g. "crm");
    # empty, the default, queues every match for a person, API creations too.
    match_auto_merge_sources: str = ""

    @property
    def effective_inbox_dir(self) -> str:
        return self.inbox_dir or str(Path(self.data_dir) / "inbox")

    @property
    def effective_database_url(self) -> str:
        return self.database_url or f"sqlite:///{Path(self.data_dir) / 'cims.db'}"


_FIELDS = {field.name: field for field in attrs.fields(Settings)}


def load_settings(
    environ: Mapping[str, str] | None = None, **overrides: Any
) -> Settings:
    """Settings from the config file and the environment, then `overrides`."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}

    config_file = environ.get("CIMS_CONFIG")
    if config_file:
        values.update(_read_config_file(config_file))

    for name in _FIELDS:
        raw = environ.get(f"CIMS_{name.upper()}")
        if raw is not None:
            values[name] = raw
    values.update(overrides)

    unknown = set(values) - set(_FIELDS)
    if unknown:
        raise SystemExit(f"unknown settings: {', '.join(sorted(unknown))}")
    settings = Settings(
        **{name: _coerce(name, value) for name, value in values.items()}
    )
    _check(settings)
    return settings


_CHOICES = {
    "storage": ("sql", "mongo", "memory"),
    "events": ("memory", "kafka"),
    "log_level": ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"),
}
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _read_config_file(path: str) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(Path(path).read_text()) or {}
    except OSError as error:
        raise SystemExit(
            f"CIMS_CONFIG={path} cannot be read: {error.strerror}"
        ) from None
    except yaml.YAMLError as error:
        raise SystemExit(f"CIMS_CONFIG={path} is not valid YAML: {error}") from None
    if not isinstance(loaded, dict):
        raise SystemExit(f"CIMS_CONFIG={path} must hold a YAML mapping")
    return loaded


def _check(settings: Settings) -> None:
    """Refuse settings that would fail later, far from where they were made."""
    for name, allowed in _CHOICES.items():
        value = getattr(settings, name)
        if (value.upper() if name == "log_level" else value) not in allowed:
            raise SystemExit(
                f"CIMS_{name.upper()}={value!r} is not one of {', '.join(allowed)}"
            )
    if settings.jwt_secret and len(settings.jwt_secret) < 32:
        raise SystemExit(
            "CIMS_JWT_SECRET must be at least 32 characters long; "
            f"it has {len(settings.jwt_secret)}"
        )
    if settings.database_url:
        from sqlalchemy.engine import make_url
        from sqlalchemy.exc import ArgumentError

        try:
            make_url(settings.database_url)
        except ArgumentError:
            raise SystemExit(
                "CIMS_DATABASE_URL is not a database URL; expected e.g. "
                "sqlite:///path/cims.db or postgresql+psycopg://user@host:5432/cims"
            ) from None


def _coerce(name: str, value: Any) -> Any:
    default = _FIELDS[name].default
    if isinstance(default, bool) and isinstance(value, str):
        word = value.strip().lower()
        if word not in _TRUE | _FALSE:
            raise SystemExit(
                f"CIMS_{name.upper()} must be true or false; got {value!r}"
            )
        return word in _TRUE
    if isinstance(default, int | float) and not isinstance(default, bool):
        try:
            return type(default)(value)
        except (TypeError, ValueError):
            raise SystemExit(
                f"setting {name} must be a number; got {value!r}"
            ) from None
    return value
