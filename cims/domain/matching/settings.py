"""How a deduplication run is tuned: thresholds, extra fields, blocking limits."""

from __future__ import annotations

from typing import Literal

import attrs

from ..cleansing.outcome import RULES_VERSION

ExtraKind = Literal["identifier", "text", "exact"]


class MatchSettingsError(ValueError):
    """A setting is out of range.

    LIMITATION: cims.domain.errors is not on this branch yet; the lead is to
    re-base this on the caller's-mistake subclass of CimsError.
    """


def _probability(
    instance: object, attribute: attrs.Attribute[float], value: float
) -> None:
    if not 0.0 < value < 1.0:
        msg = f"{attribute.name}: expected a probability in (0, 1), got {value!r}"
        raise MatchSettingsError(msg)


@attrs.frozen
class MatchSettings:
    """Tuning for `find_duplicates`.

    Thresholds are match probabilities: a pair at or above `match_threshold`
    is a match, at or above `possible_threshold` a possible match for review.
    `extra_fields` names extras to compare and how: "identifier" (exact, one
    edit), "text" (fuzzy), "exact". `max_block_size` caps a block; bigger
    blocks are compared only within a sliding window of `window` records.
    `estimate_parameters` turns on u-from-random-pairs and EM for m; below
    `min_records_for_estimation` records the built-in parameters are used.
    """

    match_threshold: float = attrs.field(default=0.99, validator=_probability)
    possible_threshold: float = attrs.field(default=0.5, validator=_probability)
    extra_fields: tuple[tuple[str, ExtraKind], ...] = ()
    max_block_size: int = 300
    window: int = 20
    estimate_parameters: bool = True
    min_records_for_estimation: int = 1000
    u_sample_pairs: int = 100_000
    training_pairs_per_rule: int = 50_000
    em_iterations: int = 40
    seed: int = 20261201
    max_group_size: int = 50
    rules_version: str = RULES_VERSION

    def __attrs_post_init__(self) -> None:
        if self.possible_threshold > self.match_threshold:
            msg = (
                "possible_threshold: expected at most match_threshold "
                f"({self.match_threshold!r}), got {self.possible_threshold!r}"
            )
            raise MatchSettingsError(msg)
        if self.max_block_size < 2 or self.window < 2:
            msg = (
                "max_block_size/window: expected at least 2, got "
                f"{self.max_block_size!r}/{self.window!r}"
            )
            raise MatchSettingsError(msg)
