"""Time and identity, injected so that tests can make them deterministic."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    def now(self) -> dt.datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class IdFactory(Protocol):
    def new_id(self) -> str:
        """A new unique identifier."""
        ...
