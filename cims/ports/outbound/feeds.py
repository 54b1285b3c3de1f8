"""Ports for source-system feeds: the inbox of files, and the records they fed."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Protocol

import attrs

from cims.domain.source_feeds import Rejection, SourceMapping, SourceRecord


@attrs.frozen
class FeedRow:
    """One row of a feed file: its line, its values, or why it could not be read."""

    line: int
    values: dict[str, Any] | None
    raw: Any
    problem: str | None = None


class FeedInbox(Protocol):
    """A folder source systems drop files into."""

    def files(self, source: SourceMapping) -> Sequence[str]:
        """The waiting files of `source`, oldest name first, relative to the inbox."""
        ...

    def count_rows(self, name: str) -> int | None:
        """How many rows the file holds, if that is cheap to know."""
        ...

    def rows(
        self, name: str, source: SourceMapping, after_line: int
    ) -> Iterator[FeedRow]:
        """The rows after line `after_line` (0 = from the start)."""
        ...

    def reject(self, name: str, rejections: Sequence[Rejection]) -> None:
        """Append rejected rows to the file's rejects file."""
        ...

    def forget_rejects_after(self, name: str, line: int) -> None:
        """Drop rejects past `line`: a resumed run writes them again."""
        ...

    def archive(self, name: str) -> None:
        """Move a fully processed file out of the inbox, into done/."""
        ...


class SourceRecordRepository(Protocol):
    def get(self, source: str, source_key: str) -> SourceRecord | None: ...

    def put_many(self, records: Sequence[SourceRecord]) -> None:
        """Store records, each replacing the one with the same source and key."""
        ...
