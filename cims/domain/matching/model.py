"""Fellegi-Sunter model: m and u probabilities, their estimation, match weights.

How the parameters are found (when `estimate_parameters` is on):

* u (how often two *different* people agree at a level) is measured on
  random record pairs, which are almost all non-matches. For the "exact"
  level we use the value frequencies instead (the chance that two random
  records share a value), which is exact and needs no sample.
* m (how often the *same* person agrees at a level) and the share of matches
  among compared pairs are estimated by expectation maximisation over the
  comparison patterns of the blocked pairs, holding u fixed.
* With too few records to estimate, built-in parameters apply.

Weights are log2(m/u) bits; a missing value gives no weight. The match
probability is the logistic of (prior log-odds + sum of weights).
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Mapping, Sequence

import attrs

from .comparison import NULL, ComparisonField

Pattern = tuple[int, ...]

# Built-in (m, u) per level kind, chosen from bank data experience; used when
# a run is too small to estimate its own.
_DEFAULTS: dict[tuple[str, ...], tuple[tuple[float, ...], tuple[float, ...]]] = {
    ("exact", "very_similar", "similar", "initial", "different"): (
        (0.84, 0.08, 0.04, 0.02, 0.02),
        (0.01, 0.005, 0.02, 0.02, 0.945),
    ),
    ("exact", "very_similar", "similar", "different"): (
        (0.82, 0.08, 0.05, 0.05),
        (0.005, 0.003, 0.01, 0.982),
    ),
    ("exact", "day_month_swapped", "one_part_differs", "different"): (
        (0.87, 0.02, 0.09, 0.02),
        (0.0002, 0.00005, 0.006, 0.99375),
    ),
    ("exact", "similar", "different"): ((0.85, 0.05, 0.10), (0.01, 0.02, 0.97)),
    ("exact", "one_digit_differs", "different"): (
        (0.80, 0.05, 0.15),
        (1e-5, 1e-4, 0.99989),
    ),
    ("exact", "one_char_differs", "different"): (
        (0.85, 0.08, 0.07),
        (0.001, 0.01, 0.989),
    ),
    ("exact", "one_edit", "different"): ((0.85, 0.10, 0.05), (1e-5, 1e-4, 0.99989)),
    ("exact", "different"): ((0.95, 0.05), (0.2, 0.8)),
    ("as_entered", "transposed"): ((0.5, 0.5), (0.5, 0.5)),
}
# Built-in prior: the share of matches among pairs scored without a batch to
# learn from. Low on purpose: a lone pair must earn its match from evidence.
DEFAULT_PRIOR = 0.001

# Fields that tend to agree together for strangers too (one household).
CORRELATED = (frozenset({"address_line", "postcode", "city"}),)
_FLOOR = 1e-9
M_FLOOR = 0.005


@attrs.frozen
class FieldParameters:
    """m and u of each level of one field (same order as the field's levels)."""

    field: ComparisonField
    m: tuple[float, ...]
    u: tuple[float, ...]

    def weight(self, level: int) -> float:
        if level == NULL or self.field.informational:
            return 0.0
        return math.log2(self.m[level] / self.u[level])


@attrs.frozen
class ModelParameters:
    """Everything needed to turn a comparison pattern into a probability."""

    fields: tuple[FieldParameters, ...]
    prior: float
    method: str

    def weights(self, pattern: Pattern) -> tuple[float, ...]:
        """Weight of each field; within a correlated group only the strongest
        agreement counts (an address, its postcode and its city say one thing,
        "lives here"; adding all three would count that fact three times)."""
        raw = [p.weight(level) for p, level in zip(self.fields, pattern, strict=True)]
        for positions in self._groups():
            agreeing = [f for f in positions if raw[f] > 0]
            if len(agreeing) > 1:
                strongest = max(agreeing, key=lambda f: (raw[f], -f))
                for f in agreeing:
                    if f != strongest:
                        raw[f] = 0.0
        return tuple(raw)

    def _groups(self) -> list[list[int]]:
        return [
            [f for f, p in enumerate(self.fields) if p.field.name in group]
            for group in CORRELATED
        ]

    def log2_odds(self, pattern: Pattern) -> float:
        prior = math.log2(self.prior / (1.0 - self.prior))
        return prior + sum(self.weights(pattern))

    def probability(self, pattern: Pattern) -> float:
        bits = self.log2_odds(pattern)
        if bits > 60:
            return 1.0
        if bits < -60:
            return 0.0
        return float(1.0 / (1.0 + 2.0 ** (-bits)))


# Fields whose levels share names with others but not their odds.
_FIELD_DEFAULTS: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "email": ((0.85, 0.05, 0.10), (1e-5, 1e-4, 0.99989)),
    "city": ((0.85, 0.08, 0.07), (0.02, 0.01, 0.97)),
    "address_line": ((0.70, 0.12, 0.08, 0.10), (1e-4, 1e-4, 1e-3, 0.9988)),
    "country": ((0.97, 0.03), (0.5, 0.5)),
}


def default_parameters(fields: Sequence[ComparisonField]) -> ModelParameters:
    chosen = []
    for field in fields:
        m, u = _FIELD_DEFAULTS.get(field.name) or _DEFAULTS[field.levels]
        chosen.append(FieldParameters(field, m, u))
    return ModelParameters(tuple(chosen), DEFAULT_PRIOR, "built-in parameters")


def _normalise(values: Sequence[float]) -> tuple[float, ...]:
    floored = [max(v, _FLOOR) for v in values]
    total = sum(floored)
    return tuple(v / total for v in floored)


def _smoothed(sums: Sequence[float]) -> list[float]:
    # No level of a field is impossible for the same person (people move,
    # change numbers): every m keeps at least M_FLOOR, so one disagreement
    # can cost at most a bounded number of bits.
    total = sum(sums)
    if total <= 0:
        return [1.0 / len(sums)] * len(sums)
    floored = [max(s / total, M_FLOOR) for s in sums]
    scale = sum(floored)
    return [v / scale for v in floored]


def estimate_u(
    fields: Sequence[ComparisonField],
    record_count: int,
    compare_indices: Callable[[int, int], Pattern],
    exact_shares: Sequence[float | None],
    sample_pairs: int,
    seed: int,
) -> list[tuple[float, ...]]:
    """u per field level from random pairs, exact levels from value frequencies.

    `exact_shares[f]` is the chance two random records (both with a value)
    share field f's value, or None to take it from the sample as well.
    """
    rng = random.Random(seed)
    counts = [Counter[int]() for _ in fields]
    drawn = 0
    while drawn < sample_pairs:
        i = rng.randrange(record_count)
        j = rng.randrange(record_count)
        if i == j:
            continue
        drawn += 1
        for f, level in enumerate(compare_indices(i, j)):
            if level != NULL:
                counts[f][level] += 1

    estimated = []
    for f, field in enumerate(fields):
        levels = len(field.levels)
        seen = [counts[f][lv] + 0.5 for lv in range(levels)]
        exact = exact_shares[f]
        if exact is not None and not field.informational:
            rest = sum(seen[1:])
            share = max(exact, _FLOOR)
            estimated.append(
                _normalise([share] + [(1.0 - share) * s / rest for s in seen[1:]])
            )
        else:
            estimated.append(_normalise(seen))
    return estimated


def estimate_m(
    fields: Sequence[ComparisonField],
    patterns: Mapping[Pattern, int],
    u: Sequence[tuple[float, ...]],
    start: ModelParameters,
    iterations: int,
) -> ModelParameters:
    """EM over pattern counts for m and the prior, with u held fixed."""
    m = [list(p.m) for p in start.fields]
    prior = start.prior
    items = sorted(patterns.items())
    total = sum(n for _, n in items)

    for _ in range(iterations):
        sums = [[0.0] * len(field.levels) for field in fields]
        matched = 0.0
        for pattern, count in items:
            log_m = math.log(prior)
            log_u = math.log(1.0 - prior)
            for f, level in enumerate(pattern):
                if level != NULL and not fields[f].informational:
                    log_m += math.log(m[f][level])
                    log_u += math.log(u[f][level])
            gap = max(min(log_u - log_m, 700.0), -700.0)
            p_match = 1.0 / (1.0 + math.exp(gap))
            share = p_match * count
            matched += share
            for f, level in enumerate(pattern):
                if level != NULL:
                    sums[f][level] += share
        new_prior = min(max(matched / total, 1e-6), 1 - 1e-6)
        m = [_smoothed(row) for row in sums]
        if abs(new_prior - prior) < 1e-7:
            prior = new_prior
            break
        prior = new_prior

    chosen = tuple(
        FieldParameters(
            field,
            start.fields[f].m if field.informational else tuple(m[f]),
            start.fields[f].u if field.informational else tuple(u[f]),
        )
        for f, field in enumerate(fields)
    )
    return ModelParameters(
        chosen, prior, "u: random pairs and value frequencies; m: EM"
    )


def estimate_prior(
    parameters: ModelParameters, patterns: Mapping[Pattern, int], iterations: int
) -> float:
    """EM for the share of matches among compared pairs, m and u held fixed."""
    items = sorted(patterns.items())
    total = sum(n for _, n in items)
    weights = [(sum(parameters.weights(p)), n) for p, n in items]
    prior = parameters.prior
    for _ in range(iterations * 5):
        odds = prior / (1.0 - prior)
        matched = 0.0
        for bits, count in weights:
            ratio = odds * 2.0 ** max(min(bits, 1000.0), -1000.0)
            matched += count * ratio / (1.0 + ratio)
        new_prior = min(max(matched / total, 1e-6), 1 - 1e-6)
        if abs(new_prior - prior) < 1e-9:
            return new_prior
        prior = new_prior
    return prior
