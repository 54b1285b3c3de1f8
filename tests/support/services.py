"""Skipping tests whose real service is missing, unless CI requires it.

On a developer's machine without PostgreSQL or a Kafka broker those tests
skip with the reason. CI sets CIMS_REQUIRE_SERVICES=1, which turns the same
skip into a failure, so CI never goes green without the real services.
"""

from __future__ import annotations

import os

import pytest

REQUIRE_ENV = "CIMS_REQUIRE_SERVICES"


def services_required() -> bool:
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in {"1", "true", "yes"}


def service_missing(service: str, reason: str) -> None:
    """Skip (or, in CI, fail) the current test because `service` is missing."""
    message = f"{service} is not available: {reason}"
    if services_required():
        pytest.fail(f"{message} ({REQUIRE_ENV} is set, so this is a failure)")
    pytest.skip(message)
