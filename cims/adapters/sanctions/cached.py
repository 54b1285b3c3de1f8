"""A screener that prepares its index on first use and after the list changes.

Reading the OFAC files and building the index takes most of a second, so it
is not done at import or app start: the first screening (or `warm_up`, run in
a background thread by the service) pays for it once, and `refresh()` after
a list reload rebuilds only when the list's version moved.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from cims.domain.errors import ServiceUnavailable
from cims.domain.screening import (
    ScreeningIndex,
    ScreeningPolicy,
    ScreeningResult,
    ScreeningSubject,
)
from cims.ports.outbound.sanctions import SanctionsList

log = logging.getLogger(__name__)


class CachedScreener:
    """Implements the SanctionsScreener port over a lazily loaded list."""

    def __init__(
        self,
        load_list: Callable[[], SanctionsList],
        policy: ScreeningPolicy | None = None,
    ) -> None:
        self._load_list = load_list
        self._policy = policy
        self._lock = threading.Lock()
        self._list: SanctionsList | None = None
        self._index: ScreeningIndex | None = None

    @property
    def list_version(self) -> str:
        return self._current().list_version

    def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        return self._current().screen(subject)

    def warm_up(self) -> None:
        """Load now; failures are logged, and retried on the first screening."""
        try:
            self._current()
        except ServiceUnavailable as error:
            log.error("sanctions screening is not ready: %s", error)

    def refresh(self) -> bool:
        """Re-read the list if it can reload; rebuild if it changed.

        Returns whether the index was rebuilt (then rescreen customers).
        """
        with self._lock:
            if self._list is None:
                self._index = self._build(self._open())
                return True
            reload = getattr(self._list, "reload", None)
            if callable(reload):
                reload()
            if self._index is not None and (
                self._index.list_version == self._list.version()
            ):
                return False
            self._index = self._build(self._list)
            return True

    def _current(self) -> ScreeningIndex:
        with self._lock:
            if self._index is None:
                self._index = self._build(self._open())
            return self._index

    def _open(self) -> SanctionsList:
        try:
            self._list = self._load_list()
        except (OSError, ValueError) as error:
            raise ServiceUnavailable(
                "sanctions list", f"it could not be loaded: {error}"
            ) from error
        return self._list

    def _build(self, sanctions: SanctionsList) -> ScreeningIndex:
        started = time.perf_counter()
        index = ScreeningIndex(
            sanctions.entries(), self._policy, list_version=sanctions.version()
        )
        log.info(
            "sanctions list %s version %s ready: %d entries screened against, "
            "built in %.2fs",
            sanctions.list_name,
            index.list_version,
            len(index),
            time.perf_counter() - started,
        )
        return index
