"""Blocking: only records that share a key are compared, so work stays near n.

Several rules each put records into blocks by one key. A pair is emitted by
the first rule that blocks it, so no pair is compared twice. A block larger
than the cap is not compared all-to-all: its records are sorted by name and
each is compared with the next `window - 1` (sorted neighbourhood); such
blocks are counted in the report.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence

import attrs

from .comparison import Features

KeyFunction = Callable[[Features], Hashable | None]


def _fingerprint(f: Features) -> Hashable | None:
    return f.fingerprint if f.has_identifying_data() else None


def _surname_month(f: Features) -> Hashable | None:
    if f.surname_sound is None or f.dob is None:
        return None
    return (f.surname_sound, f.dob[0], f.dob[1])


def _names_year(f: Features) -> Hashable | None:
    # Sorted, so transposed given name and surname share the key.
    if f.given_code is None or f.surname_code is None or f.dob is None:
        return None
    first, second = sorted((f.given_code, f.surname_code))
    return (first, second, f.dob[0])


def _birth_surname(f: Features) -> Hashable | None:
    if f.dob is None or not f.surname:
        return None
    return (f.dob, f.surname[0])


def _birth_initial(f: Features) -> Hashable | None:
    if f.dob is None or not f.given:
        return None
    return (f.dob, f.given[0])


def _postcode_surname(f: Features) -> Hashable | None:
    if f.postcode is None or not f.surname:
        return None
    return (f.postcode, f.surname[0])


def _postcode_given(f: Features) -> Hashable | None:
    if f.postcode is None or not f.given:
        return None
    return (f.postcode, f.given[0])


def _email(f: Features) -> Hashable | None:
    return f.email


def _phone(f: Features) -> Hashable | None:
    return f.phone if f.phone and len(f.phone) >= 7 else None


@attrs.frozen
class BlockingRule:
    """A blocking key and the compared fields it forces to agree.

    Within a rule's pairs those fields agree for matches and non-matches
    alike, so they say nothing there; parameter estimation masks them.
    """

    name: str
    key: KeyFunction
    fields: tuple[str, ...]


def _identifier_rule(position: int, name: str) -> BlockingRule:
    return BlockingRule(name, lambda f: f.extras[position], (name,))


def blocking_rules(
    identifier_extras: Sequence[tuple[int, str]],
) -> tuple[BlockingRule, ...]:
    """The rules, cheapest and most telling first."""
    return (
        BlockingRule("identical_record", _fingerprint, ("*",)),
        *(_identifier_rule(pos, name) for pos, name in identifier_extras),
        BlockingRule("email", _email, ("email",)),
        BlockingRule("phone", _phone, ("phone",)),
        BlockingRule(
            "surname_sound+birth_month",
            _surname_month,
            ("surname", "date_of_birth"),
        ),
        BlockingRule(
            "name_sounds_any_order+birth_year",
            _names_year,
            ("given_name", "surname", "date_of_birth"),
        ),
        BlockingRule(
            "birth_date+given_initial",
            _birth_initial,
            ("date_of_birth", "given_name"),
        ),
        BlockingRule(
            "birth_date+surname_initial",
            _birth_surname,
            ("date_of_birth", "surname"),
        ),
        BlockingRule(
            "postcode+surname_initial", _postcode_surname, ("postcode", "surname")
        ),
        BlockingRule(
            "postcode+given_initial", _postcode_given, ("postcode", "given_name")
        ),
    )


@attrs.define
class RuleReport:
    """What one blocking rule did."""

    rule: str
    blocks: int = 0
    pairs: int = 0
    capped_blocks: int = 0
    largest_block: int = 0


class Blocker:
    """Generates candidate pairs (i < j, indices into `features`)."""

    def __init__(
        self,
        features: Sequence[Features],
        rules: Sequence[BlockingRule],
        max_block_size: int,
        window: int,
        training_pairs: int = 0,
        seed: int = 0,
    ) -> None:
        self._features = features
        self.rules = tuple(rules)
        self._cap = max_block_size
        self._window = window
        self._training_pairs = training_pairs
        self._rng = random.Random(seed)
        self.reports = [RuleReport(r.name) for r in self.rules]
        # Per rule, a sample of *all* its pairs (also those an earlier rule
        # took): the unbiased material for estimating m rule by rule.
        self.training: list[list[tuple[int, int]]] = [[] for _ in self.rules]

    def pairs(self) -> Iterator[tuple[int, int, int]]:
        """Yield (i, j, rule index) for each candidate pair, once."""
        keys: list[list[int | None]] = []
        oversized: list[set[int]] = []
        # Pairs compared inside capped blocks: only those can be uncertain
        # when a later rule asks "was this pair compared already?".
        windowed: set[tuple[int, int]] = set()

        for r, rule in enumerate(self.rules):
            rule_keys = [_hashed(rule.key(f)) for f in self._features]
            keys.append(rule_keys)
            blocks: dict[int, list[int]] = {}
            for index, key in enumerate(rule_keys):
                if key is not None:
                    blocks.setdefault(key, []).append(index)
            big: set[int] = set()
            oversized.append(big)
            report = self.reports[r]
            rate = self._training_rate(blocks.values())
            sample = self.training[r]

            for key, members in blocks.items():
                if len(members) < 2:
                    continue
                report.blocks += 1
                report.largest_block = max(report.largest_block, len(members))
                capped = len(members) > self._cap
                if capped:
                    big.add(key)
                    report.capped_blocks += 1
                for i, j in self._block_pairs(members, capped):
                    if rate and (rate >= 1.0 or self._rng.random() < rate):
                        sample.append((i, j))
                    if self._seen_before(i, j, r, keys, oversized, windowed):
                        continue
                    if capped:
                        windowed.add((i, j))
                    report.pairs += 1
                    yield i, j, r

    def _training_rate(self, blocks: Iterable[list[int]]) -> float:
        if not self._training_pairs:
            return 0.0
        total = 0
        for members in blocks:
            size = len(members)
            total += (
                size * (size - 1) // 2 if size <= self._cap else size * self._window
            )
        return min(1.0, self._training_pairs / total) if total else 0.0

    def _block_pairs(
        self, members: list[int], capped: bool
    ) -> Iterator[tuple[int, int]]:
        if not capped:
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    yield i, j
            return
        ordered = sorted(members, key=lambda i: _sort_key(self._features[i]))
        for x, i in enumerate(ordered):
            for j in ordered[x + 1 : x + self._window]:
                yield (i, j) if i < j else (j, i)

    @staticmethod
    def _seen_before(
        i: int,
        j: int,
        rule: int,
        keys: list[list[int | None]],
        oversized: list[set[int]],
        windowed: set[tuple[int, int]],
    ) -> bool:
        for earlier in range(rule):
            key = keys[earlier][i]
            if key is None or key != keys[earlier][j]:
                continue
            if key not in oversized[earlier] or (i, j) in windowed:
                return True
        return False


def _hashed(key: Hashable | None) -> int | None:
    # Keys are kept as hashes to bound memory. LIMITATION: a 64-bit hash
    # collision (odds about n**2 / 2**64) merges two blocks; harmless, except
    # that a pair could be taken as already compared by an earlier rule.
    return None if key is None else hash(key)


def _sort_key(f: Features) -> tuple[str, str, tuple[int, int, int], str]:
    return (f.surname or "", f.given or "", f.dob or (0, 0, 0), f.record_id)
