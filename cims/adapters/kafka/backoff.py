"""Exponential backoff with full jitter, for retrying an unavailable service."""

from __future__ import annotations

import random
from collections.abc import Callable

import attrs


@attrs.define
class Backoff:
    """Delays that double per failure up to `maximum`, drawn uniformly below it.

    Full jitter spreads the retries of many relays or consumers that lost the
    broker at the same moment, so they do not all come back at once.
    """

    initial: float = 0.5
    maximum: float = 30.0
    multiplier: float = 2.0
    random: Callable[[], float] = random.random
    failures: int = attrs.field(default=0, init=False)

    def __attrs_post_init__(self) -> None:
        if not 0 < self.initial <= self.maximum:
            msg = (
                "backoff needs 0 < initial <= maximum; "
                f"got initial={self.initial!r}, maximum={self.maximum!r}"
            )
            raise ValueError(msg)
        if self.multiplier < 1:
            msg = f"backoff multiplier must be >= 1; got {self.multiplier!r}"
            raise ValueError(msg)

    def ceiling(self) -> float:
        """The largest delay the next failure may wait."""
        exponent = min(self.failures, 64)  # avoid float overflow on long outages
        return min(self.maximum, self.initial * self.multiplier**exponent)

    def next_delay(self) -> float:
        """Record one more failure and return how long to wait before retrying."""
        delay = self.ceiling() * self.random()
        self.failures += 1
        return delay

    def reset(self) -> None:
        self.failures = 0
