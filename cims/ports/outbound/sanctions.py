"""Ports for sanctions lists and for the screening service built on them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from cims.domain.screening import ScreeningResult, ScreeningSubject, WatchlistEntry


class SanctionsList(Protocol):
    """A source of watch-list entries, such as the OFAC SDN files."""

    @property
    def list_name(self) -> str:
        """The list's short name, e.g. "OFAC-SDN"."""
        ...

    def entries(self) -> Iterable[WatchlistEntry]:
        """Every entry on the list as it currently stands."""
        ...

    def version(self) -> str:
        """An identifier that changes whenever the list's content changes.

        Callers compare it with the version their screening index was built
        from to decide whether to rebuild.
        """
        ...


class SanctionsScreener(Protocol):
    """Screens one subject against a prepared list."""

    @property
    def list_version(self) -> str: ...

    def screen(self, subject: ScreeningSubject) -> ScreeningResult: ...
