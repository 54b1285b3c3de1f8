"""Ranking search candidates against a query with the deduplication engine."""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .comparison import comparison_fields
from .engine import score_pair
from .model import ModelParameters, default_parameters
from .record import PersonRecord
from .results import PairDecision
from .settings import MatchSettings


@attrs.frozen
class Ranker:
    """Scores candidates as `score_pair` does, best first.

    Built-in parameters unless given: a search has no batch to estimate on,
    and the same parameters make a search score equal a dedup score.
    """

    settings: MatchSettings = MatchSettings()
    parameters: ModelParameters | None = None

    def rank(
        self, query: PersonRecord, candidates: Iterable[PersonRecord]
    ) -> list[PairDecision]:
        parameters = self.parameters or default_parameters(
            comparison_fields(self.settings.extra_fields)
        )
        scored = [
            score_pair(query, candidate, self.settings, parameters)
            for candidate in candidates
        ]
        scored.sort(
            key=lambda d: (
                -d.evidence.probability,
                -d.evidence.log2_odds,
                d.record_b,
            )
        )
        return scored


def name_query(text: str) -> list[PersonRecord]:
    """The readings of a typed name: "Roe, Jane", "Jane Roe", or one word.

    Without a comma the order is unknown ("Weiss Juergen"), and one word
    could be either name, so both readings are returned; callers keep the
    better score per candidate. (The engine itself only crosses names that
    agree closely both ways; a typed query deserves more benefit of doubt.)
    """
    words = " ".join(text.split())
    if "," in words:
        surname, _, given = (part.strip() for part in words.partition(","))
        return [PersonRecord("query", given_name=given or None, surname=surname or None)]
    tokens = words.split(" ")
    if len(tokens) == 1:
        return [
            PersonRecord("query", surname=tokens[0]),
            PersonRecord("query", given_name=tokens[0]),
        ]
    return [
        PersonRecord("query", given_name=" ".join(tokens[:-1]), surname=tokens[-1]),
        PersonRecord("query", given_name=" ".join(tokens[1:]), surname=tokens[0]),
    ]
