"""Sanctions screening: watch-list entries, subjects, the matcher and its hits."""

from cims.domain.screening.entries import (
    Alias,
    AliasType,
    BirthDate,
    EntryType,
    WatchlistEntry,
)
from cims.domain.screening.errors import (
    InvalidScreeningPolicy,
    InvalidScreeningSubject,
    ScreeningError,
)
from cims.domain.screening.matcher import (
    DEFAULT_THRESHOLD,
    ScreeningIndex,
    ScreeningPolicy,
)
from cims.domain.screening.results import MatchedOn, ScreeningHit, ScreeningResult
from cims.domain.screening.subjects import ScreeningSubject

__all__ = [
    "DEFAULT_THRESHOLD",
    "Alias",
    "AliasType",
    "BirthDate",
    "EntryType",
    "InvalidScreeningPolicy",
    "InvalidScreeningSubject",
    "MatchedOn",
    "ScreeningError",
    "ScreeningHit",
    "ScreeningIndex",
    "ScreeningPolicy",
    "ScreeningResult",
    "ScreeningSubject",
    "WatchlistEntry",
]
