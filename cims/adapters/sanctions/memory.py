"""An in-memory sanctions list, for tests and for lists assembled in code."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from cims.domain.screening import WatchlistEntry


class InMemorySanctionsList:
    """A fixed set of entries; its version is a digest of their fingerprints."""

    def __init__(
        self, entries: Iterable[WatchlistEntry], list_name: str = "MEMORY"
    ) -> None:
        self.list_name = list_name
        self._entries = list(entries)

    def entries(self) -> list[WatchlistEntry]:
        return list(self._entries)

    def version(self) -> str:
        digest = hashlib.sha256()
        for entry in sorted(self._entries, key=lambda e: (e.list_name, e.uid)):
            digest.update(
                f"{entry.list_name}\0{entry.uid}\0{entry.fingerprint}\n".encode()
            )
        return digest.hexdigest()[:16]

    def replace(self, entries: Iterable[WatchlistEntry]) -> None:
        """Swap the whole list, as a new publication of it would."""
        self._entries = list(entries)
