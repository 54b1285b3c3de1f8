"""Ranking search candidates against a query with the deduplication engine."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from .comparison import Features, compare, comparison_fields
from .engine import _Scorer
from .model import ModelParameters, default_parameters
from .record import PersonRecord
from .results import PairDecision
from .settings import MatchSettings

# Oldest entries go first once full; about 2 KB per cached record.
FEATURE_CACHE_SIZE = 20_000


class Ranker:
    """Scores candidates exactly as `score_pair` does, best first.

    Built-in parameters unless given: a search has no batch to estimate on,
    and the same parameters make a search score equal a dedup score. The
    scorer (and its per-pattern cache) lives as long as the ranker, and each
    record's features are computed once per call, so ranking a few hundred
    candidates stays in the low milliseconds.
    """

    def __init__(
        self,
        settings: MatchSettings | None = None,
        parameters: ModelParameters | None = None,
    ) -> None:
        self.settings = settings or MatchSettings()
        fields = comparison_fields(self.settings.extra_fields)
        self._scorer = _Scorer(
            fields, parameters or default_parameters(fields), self.settings
        )
        self._features: dict[PersonRecord, Features] = {}

    def rank(
        self, queries: Sequence[PersonRecord], candidates: Iterable[PersonRecord]
    ) -> list[PairDecision]:
        """The best decision per candidate over every reading of the query."""
        extras = self.settings.extra_fields
        readings = [Features(0, query, extras) for query in queries]
        best: list[PairDecision] = []
        for candidate in candidates:
            features = self._candidate_features(candidate)
            decisions = [
                self._decide(reading, features, candidate.record_id)
                for reading in readings
            ]
            best.append(max(decisions, key=_strength))
        best.sort(key=lambda d: (*(-x for x in _strength(d)), d.record_b))
        return best

    def _candidate_features(self, candidate: PersonRecord) -> Features:
        """Features of a stored record, kept while it is among the recent ones.

        The same customers come back as candidates again and again (everyone
        named Jane shares a key); records are immutable, so a changed customer
        is simply a new key.
        """
        cache = self._features
        found = cache.get(candidate)
        if found is None:
            found = Features(1, candidate, self.settings.extra_fields)
            if len(cache) >= FEATURE_CACHE_SIZE:
                cache.pop(next(iter(cache)))
            cache[candidate] = found
        return found

    def _decide(self, a: Features, b: Features, record_id: str) -> PairDecision:
        pattern = compare(a, b, self.settings.extra_fields)
        scorer = self._scorer
        reason = "score"
        if (
            scorer.probability(pattern) < self.settings.match_threshold
            and a.fingerprint == b.fingerprint
            and a.has_identifying_data()
        ):
            reason = "identical"
        evidence = scorer.evidence(pattern, reason)
        return PairDecision(
            a.record_id, record_id, scorer.decide(evidence.probability), evidence
        )


def _strength(decision: PairDecision) -> tuple[float, float]:
    return (decision.evidence.probability, decision.evidence.log2_odds)


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
        return [
            PersonRecord("query", given_name=given or None, surname=surname or None)
        ]
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
