"""What screening found: hits against listed names, with their reasons."""

from __future__ import annotations

import enum

from attrs import frozen

from cims.domain.screening.entries import AliasType, EntryType
from cims.domain.screening.subjects import ScreeningSubject


class MatchedOn(enum.Enum):
    PRIMARY_NAME = "primary name"
    ALIAS = "alias"


@frozen
class ScreeningHit:
    """One listed entry whose name is close enough to the subject's.

    `explanation` holds one line per piece of evidence (names, date of birth,
    nationality), written for the compliance officer who reviews the hit.
    `entry_fingerprint` lets a reviewer's decision be tied to the listing as it
    stood when the hit was raised.
    """

    entry_uid: str
    list_name: str
    entry_type: EntryType
    matched_name: str
    matched_on: MatchedOn
    alias_type: AliasType | None
    weak_alias: bool
    score: float
    name_score: float
    explanation: tuple[str, ...]
    entry_fingerprint: str


@frozen
class ScreeningResult:
    """All hits for one subject, best first, and the settings that produced them."""

    subject: ScreeningSubject
    hits: tuple[ScreeningHit, ...]
    threshold: float
    list_version: str
    candidates_compared: int

    @property
    def is_clear(self) -> bool:
        return not self.hits

    @property
    def best(self) -> ScreeningHit | None:
        return self.hits[0] if self.hits else None
