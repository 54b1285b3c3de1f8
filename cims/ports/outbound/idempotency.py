"""Remembering requests by Idempotency-Key, so a retry creates nothing new."""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import attrs


@attrs.frozen
class IdempotentResponse:
    """The first response to a keyed request, and the fingerprint of its body."""

    key: str
    fingerprint: str
    customer_id: str
    document: dict[str, Any]
    created_at: dt.datetime


class IdempotencyStore(Protocol):
    def get(self, key: str) -> IdempotentResponse | None: ...

    def put(self, response: IdempotentResponse) -> None: ...
