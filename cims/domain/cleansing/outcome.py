"""What a cleansing rule did to one field: the original, the result, and why."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Generic, TypeVar

import attrs

# Bump whenever a rule changes what it produces, so stored outcomes can be
# traced to the rules that made them and re-run when the rules move on.
RULES_VERSION = "2026.12.1"

T = TypeVar("T", covariant=True)


@attrs.frozen
class RulesVersion:
    """Our rules version plus the versions of the reference libraries behind it.

    The domain does not read package metadata itself; an adapter passes the
    library versions in (see `library_versions`).
    """

    rules: str = RULES_VERSION
    libraries: tuple[tuple[str, str], ...] = ()

    @classmethod
    def with_libraries(cls, libraries: Mapping[str, str]) -> RulesVersion:
        return cls(RULES_VERSION, tuple(sorted(libraries.items())))

    def label(self) -> str:
        if not self.libraries:
            return self.rules
        parts = ", ".join(f"{name} {version}" for name, version in self.libraries)
        return f"{self.rules} ({parts})"


@attrs.frozen
class CleansingOutcome(Generic[T]):
    """The cleansed value of one field, kept beside the value as it arrived.

    `value` is what the rules produced; when a rule cannot clean a value it
    keeps it as entered (trimmed) and says so in `flags`, so nothing is lost.
    `changes` name what was done, `flags` name what a person should look at,
    `details` carry side results (an extension, a matching key).
    """

    field: str
    original: object
    value: T
    changes: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()
    details: tuple[tuple[str, str], ...] = ()
    rules_version: str = RULES_VERSION

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    @property
    def is_clean(self) -> bool:
        return not self.flags

    def detail(self, key: str) -> str | None:
        for name, text in self.details:
            if name == key:
                return text
        return None


@attrs.frozen
class CleansingReport:
    """Counts of each change and flag per field across many records."""

    records: int
    changes: tuple[tuple[str, str, int], ...]
    flags: tuple[tuple[str, str, int], ...]

    def change_count(self, field: str, change: str) -> int:
        return next((n for f, c, n in self.changes if (f, c) == (field, change)), 0)

    def flag_count(self, field: str, flag: str) -> int:
        return next((n for f, c, n in self.flags if (f, c) == (field, flag)), 0)


class CleansingTally:
    """Accumulates outcomes record by record, then yields a `CleansingReport`."""

    def __init__(self) -> None:
        self._records = 0
        self._changes: Counter[tuple[str, str]] = Counter()
        self._flags: Counter[tuple[str, str]] = Counter()

    def add_record(self, outcomes: Iterable[CleansingOutcome[object]]) -> None:
        self._records += 1
        for outcome in outcomes:
            self._changes.update((outcome.field, c) for c in outcome.changes)
            self._flags.update((outcome.field, f) for f in outcome.flags)

    def report(self) -> CleansingReport:
        return CleansingReport(
            records=self._records,
            changes=tuple((f, c, n) for (f, c), n in sorted(self._changes.items())),
            flags=tuple((f, c, n) for (f, c), n in sorted(self._flags.items())),
        )
