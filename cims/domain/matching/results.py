"""What a deduplication run hands back: decisions with their evidence."""

from __future__ import annotations

from typing import Literal

import attrs

from .blocking import RuleReport
from .model import ModelParameters

Decision = Literal["match", "possible_match", "distinct"]


@attrs.frozen
class FieldEvidence:
    """One field's part in a score: how it compared and what that weighed."""

    field: str
    level: str
    weight: float

    def describe(self) -> str:
        if self.level == "missing":
            return f"{self.field}: missing on one side, no evidence (0.00 bits)"
        return f"{self.field}: {self.level} ({self.weight:+.2f} bits)"


@attrs.frozen
class MatchEvidence:
    """Why a pair got its decision; kept with every outcome."""

    probability: float
    log2_odds: float
    fields: tuple[FieldEvidence, ...]
    match_threshold: float
    possible_threshold: float
    rules_version: str
    reason: str = "score"

    def explain(self) -> str:
        lines = [
            f"match probability {self.probability:.4f} "
            f"(thresholds: match {self.match_threshold}, "
            f"possible {self.possible_threshold}; reason: {self.reason}; "
            f"rules {self.rules_version})"
        ]
        lines.extend("  " + f.describe() for f in self.fields)
        return "\n".join(lines)


@attrs.frozen
class PairDecision:
    record_a: str
    record_b: str
    decision: Decision
    evidence: MatchEvidence


@attrs.frozen
class DuplicateGroup:
    """Records judged to be one person, with the matched pairs that say so."""

    record_ids: tuple[str, ...]
    pairs: tuple[PairDecision, ...]


@attrs.frozen
class DedupStats:
    records: int
    candidate_pairs: int
    blocking: tuple[RuleReport, ...]
    capped_blocks: int
    refused_merges: int
    parameters: ModelParameters


@attrs.frozen
class DedupResult:
    groups: tuple[DuplicateGroup, ...]
    possible_matches: tuple[PairDecision, ...]
    stats: DedupStats

    def matched_pairs(self) -> set[tuple[str, str]]:
        """Every pair of record ids put in one group (ids in sorted order)."""
        found = set()
        for group in self.groups:
            ids = group.record_ids
            for x, a in enumerate(ids):
                for b in ids[x + 1 :]:
                    found.add((a, b))
        return found
