"""The real clock and time-ordered id factory."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
import uuid

__all__ = ["SystemClock", "TimeOrderedIds"]


class SystemClock:
    """Implements the Clock port: the current time in UTC."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC)


class TimeOrderedIds:
    """UUIDv7-style ids: 48 bits of milliseconds, then randomness.

    Ids sort in creation order, which keeps keyset pagination in a natural
    order and B-tree inserts at the right-hand edge of the index. Within one
    millisecond a counter keeps ids from one process strictly increasing.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last_ms = 0
        self._counter = 0

    def new_id(self) -> str:
        with self._lock:
            ms = time.time_ns() // 1_000_000
            if ms <= self._last_ms:
                ms = self._last_ms
                self._counter += 1
            else:
                self._last_ms = ms
                self._counter = int.from_bytes(os.urandom(2), "big") & 0x3FF
            counter = self._counter & 0xFFF

        value = (ms & ((1 << 48) - 1)) << 80
        value |= 0x7 << 76  # version 7
        value |= counter << 64
        value |= 0b10 << 62  # RFC 4122 variant
        value |= int.from_bytes(os.urandom(8), "big") & ((1 << 62) - 1)
        return str(uuid.UUID(int=value))
