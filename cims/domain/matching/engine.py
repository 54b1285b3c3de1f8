"""find_duplicates: block, compare, weigh, decide and group person records."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable, Sequence

from .blocking import Blocker, BlockingRule, blocking_rules
from .clustering import cluster
from .comparison import NULL, ComparisonField, Features, compare, comparison_fields
from .model import (
    FieldParameters,
    ModelParameters,
    Pattern,
    default_parameters,
    estimate_m,
    estimate_prior,
    estimate_u,
)
from .record import PersonRecord
from .results import (
    Decision,
    DedupResult,
    DedupStats,
    DuplicateGroup,
    FieldEvidence,
    MatchEvidence,
    PairDecision,
)
from .settings import MatchSettings, MatchSettingsError


class _Scorer:
    """Turns patterns into probabilities and evidence, caching per pattern."""

    def __init__(
        self,
        fields: Sequence[ComparisonField],
        parameters: ModelParameters,
        settings: MatchSettings,
    ) -> None:
        self.fields = tuple(fields)
        self.parameters = parameters
        self.settings = settings
        self._probability: dict[Pattern, float] = {}
        self._evidence: dict[tuple[Pattern, str], MatchEvidence] = {}

    def probability(self, pattern: Pattern) -> float:
        found = self._probability.get(pattern)
        if found is None:
            found = self.parameters.probability(pattern)
            self._probability[pattern] = found
        return found

    def evidence(self, pattern: Pattern, reason: str = "score") -> MatchEvidence:
        found = self._evidence.get((pattern, reason))
        if found is None:
            weights = self.parameters.weights(pattern)
            fields = tuple(
                FieldEvidence(
                    field.name,
                    "missing" if level == NULL else field.levels[level],
                    weight,
                )
                for field, level, weight in zip(
                    self.fields, pattern, weights, strict=True
                )
            )
            probability = self.probability(pattern)
            if reason == "identical":
                probability = max(probability, self.settings.match_threshold)
            found = MatchEvidence(
                probability=probability,
                log2_odds=self.parameters.log2_odds(pattern),
                fields=fields,
                match_threshold=self.settings.match_threshold,
                possible_threshold=self.settings.possible_threshold,
                rules_version=self.settings.rules_version,
                reason=reason,
            )
            self._evidence[(pattern, reason)] = found
        return found

    def decide(self, probability: float) -> Decision:
        if probability >= self.settings.match_threshold:
            return "match"
        if probability >= self.settings.possible_threshold:
            return "possible_match"
        return "distinct"


def _all_exact(pattern: Pattern, fields: Sequence[ComparisonField]) -> bool:
    return all(
        level in (0, NULL)
        for level, field in zip(pattern, fields, strict=True)
        if not field.informational
    )


def _rule_masks(
    rules: Sequence[BlockingRule], fields: Sequence[ComparisonField]
) -> list[set[int]]:
    """Positions of the fields each rule forces to agree.

    Inside a rule's pairs those fields agree for matches and non-matches
    alike; left in, they pull EM towards "shares a surname" rather than
    "same person". Estimation masks them (the approach Splink documents).
    """
    names = [f.name for f in fields]
    masks = []
    for blocking_rule in rules:
        if "*" in blocking_rule.fields:
            masks.append(set(range(len(fields))))
        else:
            masks.append({names.index(n) for n in blocking_rule.fields if n in names})
    return masks


def prepare(records: Iterable[PersonRecord], settings: MatchSettings) -> list[Features]:
    """Features of every record, in record-id order so results ignore input order."""
    features = [Features(0, r, settings.extra_fields) for r in records]
    features.sort(key=lambda f: f.record_id)
    for index, f in enumerate(features):
        f.index = index
        if index and features[index - 1].record_id == f.record_id:
            msg = f"record_id: expected unique ids, got {f.record_id!r} twice"
            raise MatchSettingsError(msg)
    return features


def _exact_shares(
    features: Sequence[Features], fields: Sequence[ComparisonField]
) -> list[float | None]:
    """Chance that two random records with a value share it, per field."""
    getters = [
        lambda f: f.given,
        lambda f: f.surname,
        lambda f: f.dob,
        lambda f: f.email,
        lambda f: f.phone,
        lambda f: f.address,
        lambda f: f.postcode,
        lambda f: f.city,
        lambda f: f.country,
    ]
    shares: list[float | None] = []
    for position in range(len(fields)):
        if fields[position].informational:
            shares.append(None)
            continue
        counts: Counter[object] = Counter()
        for f in features:
            value = (
                getters[position](f)
                if position < len(getters)
                else f.extras[position - len(getters)]
            )
            if value is not None:
                counts[value] += 1
        total = sum(counts.values())
        if total < 2:
            shares.append(None)
            continue
        same = sum(c * (c - 1) for c in counts.values())
        shares.append(same / (total * (total - 1)))
    return shares


def fit_parameters(
    features: Sequence[Features],
    training: Sequence[Sequence[tuple[int, int]]],
    masks: Sequence[set[int]],
    candidates: Counter[Pattern],
    settings: MatchSettings,
) -> ModelParameters:
    """Estimate the model for this batch, or fall back to built-in parameters.

    u comes from random pairs; m is estimated by EM separately on each
    blocking rule's own pairs with that rule's fields masked, and averaged
    over the rules that leave a field free; finally the prior (share of
    matches among the candidate pairs) is re-estimated with m and u fixed.
    """
    fields = comparison_fields(settings.extra_fields)
    start = default_parameters(fields)
    if not settings.estimate_parameters or not candidates:
        return start
    if len(features) < settings.min_records_for_estimation:
        return start

    extras = settings.extra_fields
    u = estimate_u(
        fields,
        len(features),
        lambda i, j: compare(features[i], features[j], extras),
        _exact_shares(features, fields),
        settings.u_sample_pairs,
        settings.seed,
    )

    estimates: list[list[tuple[float, ...]]] = [[] for _ in fields]
    for pairs, mask in zip(training, masks, strict=True):
        if len(mask) >= len(fields) or len(pairs) < 100:
            continue
        patterns: Counter[Pattern] = Counter()
        for i, j in pairs:
            pattern = compare(features[i], features[j], extras)
            patterns[
                tuple(NULL if f in mask else lv for f, lv in enumerate(pattern))
            ] += 1
        fitted = estimate_m(fields, patterns, u, start, settings.em_iterations)
        for f, field_parameters in enumerate(fitted.fields):
            if f not in mask:
                estimates[f].append(field_parameters.m)

    averaged = []
    for f, field in enumerate(fields):
        found = estimates[f]
        m = (
            tuple(sum(col) / len(found) for col in zip(*found, strict=True))
            if found and not field.informational
            else start.fields[f].m
        )
        u_f = start.fields[f].u if field.informational else u[f]
        averaged.append(FieldParameters(field, m, u_f))
    fixed = ModelParameters(tuple(averaged), start.prior, start.method)
    prior = estimate_prior(fixed, candidates, settings.em_iterations)
    return ModelParameters(
        tuple(averaged),
        prior,
        "u: random pairs and value frequencies; m: EM per blocking rule; "
        "prior: EM on candidate pairs",
    )


def find_duplicates(
    records: Iterable[PersonRecord],
    settings: MatchSettings | None = None,
    parameters: ModelParameters | None = None,
) -> DedupResult:
    """Find the records that describe the same person.

    Records are blocked on several keys, each candidate pair is compared field
    by field, weighed with Fellegi-Sunter weights (estimated on this batch
    unless `parameters` are given) and decided against two thresholds; match
    pairs are then grouped (see `clustering`). Only the comparison pattern of
    each candidate pair is kept, so memory grows with the number of records
    and pairs, not with the records' text.
    """
    settings = settings or MatchSettings()
    fields = comparison_fields(settings.extra_fields)
    features = prepare(records, settings)
    extras = settings.extra_fields
    identifier_extras = [
        (pos, name) for pos, (name, kind) in enumerate(extras) if kind == "identifier"
    ]
    blocker = Blocker(
        features,
        blocking_rules(identifier_extras),
        settings.max_block_size,
        settings.window,
        settings.training_pairs_per_rule if settings.estimate_parameters else 0,
        settings.seed,
    )

    left = array("l")
    right = array("l")
    codes = array("l")
    pattern_ids: dict[Pattern, int] = {}
    counts: Counter[Pattern] = Counter()
    for i, j, _rule in blocker.pairs():
        pattern = compare(features[i], features[j], extras)
        code = pattern_ids.setdefault(pattern, len(pattern_ids))
        left.append(i)
        right.append(j)
        codes.append(code)
        counts[pattern] += 1

    chosen = parameters or fit_parameters(
        features,
        blocker.training,
        _rule_masks(blocker.rules, fields),
        counts,
        settings,
    )
    scorer = _Scorer(fields, chosen, settings)
    patterns = list(pattern_ids)
    probabilities = [scorer.probability(p) for p in patterns]
    exact_only = [_all_exact(p, fields) for p in patterns]

    kept: list[tuple[float, int, int, int, str]] = []
    for i, j, code in zip(left, right, codes, strict=True):
        probability = probabilities[code]
        reason = "score"
        if (
            probability < settings.match_threshold
            and exact_only[code]
            and features[i].fingerprint == features[j].fingerprint
            and features[i].has_identifying_data()
        ):
            # The same data entered twice is one person by definition.
            probability, reason = settings.match_threshold, "identical"
        if probability >= settings.possible_threshold:
            kept.append((probability, i, j, code, reason))
    candidate_pairs = len(codes)
    del left, right, codes

    kept.sort(key=lambda k: (-k[0], k[1], k[2]))
    by_pair = {(i, j): (code, reason) for _, i, j, code, reason in kept}
    edges = [(p, i, j) for p, i, j, _, _ in kept if p >= settings.match_threshold]

    def cross_probability(a: int, b: int) -> float:
        i, j = (a, b) if a < b else (b, a)
        known = by_pair.get((i, j))
        if known is not None and known[1] == "identical":
            return settings.match_threshold
        return scorer.probability(compare(features[i], features[j], extras))

    groups, refused = cluster(
        len(features),
        edges,
        cross_probability,
        floor=settings.possible_threshold,
        bar=settings.match_threshold,
        max_group_size=settings.max_group_size,
    )

    def decision(i: int, j: int, forced: Decision | None = None) -> PairDecision:
        code, reason = by_pair[(i, j)]
        evidence = scorer.evidence(patterns[code], reason)
        return PairDecision(
            features[i].record_id,
            features[j].record_id,
            forced or scorer.decide(evidence.probability),
            evidence,
        )

    group_of = {index: g for g, members in enumerate(groups) for index in members}
    group_pairs: list[list[PairDecision]] = [[] for _ in groups]
    possible: list[PairDecision] = []
    for probability, i, j, _, _ in kept:
        same_group = i in group_of and group_of.get(i) == group_of.get(j)
        if same_group:
            group_pairs[group_of[i]].append(decision(i, j))
        elif probability >= settings.match_threshold:
            # A match the grouping refused: a person should look at it.
            possible.append(decision(i, j, "possible_match"))
        else:
            possible.append(decision(i, j))

    result_groups = sorted(
        (
            DuplicateGroup(
                tuple(features[index].record_id for index in members),
                tuple(group_pairs[g]),
            )
            for g, members in enumerate(groups)
        ),
        key=lambda group: group.record_ids,
    )
    stats = DedupStats(
        records=len(features),
        candidate_pairs=candidate_pairs,
        blocking=tuple(blocker.reports),
        capped_blocks=sum(r.capped_blocks for r in blocker.reports),
        refused_merges=len(refused),
        parameters=chosen,
    )
    return DedupResult(tuple(result_groups), tuple(possible), stats)


def score_pair(
    a: PersonRecord,
    b: PersonRecord,
    settings: MatchSettings | None = None,
    parameters: ModelParameters | None = None,
) -> PairDecision:
    """Score one pair on its own (built-in parameters unless given)."""
    settings = settings or MatchSettings()
    fields = comparison_fields(settings.extra_fields)
    chosen = parameters or default_parameters(fields)
    scorer = _Scorer(fields, chosen, settings)
    fa = Features(0, a, settings.extra_fields)
    fb = Features(1, b, settings.extra_fields)
    pattern = compare(fa, fb, settings.extra_fields)
    reason = "score"
    if (
        scorer.probability(pattern) < settings.match_threshold
        and fa.fingerprint == fb.fingerprint
        and fa.has_identifying_data()
    ):
        reason = "identical"
    evidence = scorer.evidence(pattern, reason)
    return PairDecision(
        a.record_id, b.record_id, scorer.decide(evidence.probability), evidence
    )
