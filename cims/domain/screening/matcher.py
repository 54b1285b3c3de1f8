"""Screen subjects against a watch list through an index built once per list.

Building the index prepares every listed name (primary names and aliases) and
files it under keys derived from its tokens: the token itself, every spelling
of it with one letter removed (so one typo on either side still meets), and
its phonetic key. Screening a subject looks up only the subject's own keys,
keeps the listed names that share keys with enough of the subject's tokens,
ranks them by how rare the shared tokens are, and scores only the best few.
The whole list is never scanned per subject.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable

from attrs import field, frozen

from cims.domain.screening.countries import country_code
from cims.domain.screening.entries import Alias, EntryType, WatchlistEntry
from cims.domain.screening.errors import InvalidScreeningPolicy, InvalidScreeningSubject
from cims.domain.screening.names import NameForm, name_form, phonetic_key
from cims.domain.screening.results import MatchedOn, ScreeningHit, ScreeningResult
from cims.domain.screening.scoring import (
    NameComparison,
    compare_names,
    date_of_birth_evidence,
    nationality_evidence,
)
from cims.domain.screening.subjects import ScreeningSubject

# Chosen from benchmarks/bench_screening.py on the 2019 OFAC SDN list: the
# lowest threshold at which FEBRL customer names raise (almost) no hits.
DEFAULT_THRESHOLD = 0.86
# Tokens shorter than this get no one-letter-removed keys: too many collisions.
_MIN_DELETE_KEY_LENGTH = 4
_MIN_PHONETIC_KEY_LENGTH = 3


def _check_threshold(_: object, __: object, value: float) -> None:
    if not 0.0 < value <= 1.0:
        msg = f"threshold: expected a number in (0, 1], got {value!r}"
        raise InvalidScreeningPolicy(msg)


def _check_max_candidates(_: object, __: object, value: int) -> None:
    if value < 1:
        msg = f"max_candidates: expected at least 1, got {value!r}"
        raise InvalidScreeningPolicy(msg)


@frozen
class ScreeningPolicy:
    """What counts as a hit, and which listed parties a subject is screened against.

    Individuals are screened against individuals only unless `entry_types`
    says otherwise. Weak aliases are left out by default: the list owner
    marks them as too vague to screen on.
    """

    threshold: float = field(default=DEFAULT_THRESHOLD, validator=_check_threshold)
    entry_types: frozenset[EntryType] = frozenset({EntryType.INDIVIDUAL})
    include_weak_aliases: bool = False
    max_candidates: int = field(default=40, validator=_check_max_candidates)


@frozen
class _ListedName:
    entry_index: int
    text: str
    alias: Alias | None
    form: NameForm


def _keys(token: str) -> set[str]:
    keys = {"t" + token}
    if len(token) >= _MIN_DELETE_KEY_LENGTH:
        keys.update("t" + token[:i] + token[i + 1 :] for i in range(len(token)))

    key = phonetic_key(token)
    if len(key) >= _MIN_PHONETIC_KEY_LENGTH:
        keys.add("p" + key)
    return keys


class ScreeningIndex:
    """A watch list prepared for screening; build once, screen many times.

    Implements the SanctionsScreener port.
    """

    def __init__(
        self,
        entries: Iterable[WatchlistEntry],
        policy: ScreeningPolicy | None = None,
        list_version: str = "",
    ) -> None:
        self.policy = policy or ScreeningPolicy()
        self.list_version = list_version
        self._entries: list[WatchlistEntry] = []
        self._names: list[_ListedName] = []
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._nationalities: list[tuple[str, ...]] = []
        self._countries: list[tuple[str, ...]] = []

        for entry in entries:
            if entry.entry_type in self.policy.entry_types:
                self._add(entry)

        self._name_count = max(1, len(self._names))

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def name_count(self) -> int:
        return len(self._names)

    def _add(self, entry: WatchlistEntry) -> None:
        index = len(self._entries)
        self._entries.append(entry)
        self._nationalities.append(_codes(entry.nationalities))
        self._countries.append(_codes(entry.countries))

        names: list[tuple[str, Alias | None]] = [(entry.primary_name, None)]
        names.extend(
            (alias.name, alias)
            for alias in entry.aliases
            if self.policy.include_weak_aliases or not alias.weak
        )
        for text, alias in names:
            form = name_form(text)
            if not form.identity_tokens:
                continue

            name_id = len(self._names)
            self._names.append(_ListedName(index, text, alias, form))
            keys = set().union(*(_keys(t) for t in form.identity_tokens))
            for key in keys:
                self._postings[key].append(name_id)

    def _candidates(self, subject: NameForm) -> list[int]:
        weight: dict[int, float] = defaultdict(float)
        agreeing: dict[int, int] = defaultdict(int)
        for token in set(subject.identity_tokens):
            found: set[int] = set()
            for key in _keys(token):
                found.update(self._postings.get(key, ()))
            if not found:
                continue

            # Rare tokens say more than common ones ("muhammad", "ali").
            rarity = math.log(1.0 + self._name_count / len(found))
            for name_id in found:
                weight[name_id] += rarity
                agreeing[name_id] += 1

        wanted = min(2, len(set(subject.identity_tokens)))
        kept = [
            name_id
            for name_id, count in agreeing.items()
            if count >= min(wanted, len(self._names[name_id].form.identity_tokens))
        ]
        kept.sort(key=lambda n: (-weight[n], n))
        return kept[: self.policy.max_candidates]

    def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        """Screen one subject; every hit carries its explanation."""
        form = name_form(subject.name)
        if not form.tokens:
            msg = (
                "ScreeningSubject name: expected at least one letter or digit, "
                f"got {len(subject.name)} characters of punctuation or space"
            )
            raise InvalidScreeningSubject(msg)

        nationality = country_code(subject.nationality) if subject.nationality else None
        candidates = self._candidates(form)
        best: dict[int, tuple[float, ScreeningHit]] = {}
        for name_id in candidates:
            listed = self._names[name_id]
            comparison = compare_names(form, listed.form)
            if comparison.score <= 0.0:
                continue

            hit = self._hit(subject, nationality, listed, comparison)
            if hit is None:
                continue

            previous = best.get(listed.entry_index)
            if previous is None or hit.score > previous[0]:
                best[listed.entry_index] = (hit.score, hit)

        hits = sorted((h for _, h in best.values()), key=lambda h: (-h.score, h.entry_uid))
        return ScreeningResult(
            subject=subject,
            hits=tuple(hits),
            threshold=self.policy.threshold,
            list_version=self.list_version,
            candidates_compared=len(candidates),
        )

    def screen_many(self, subjects: Iterable[ScreeningSubject]) -> list[ScreeningResult]:
        return [self.screen(s) for s in subjects]

    def _hit(
        self,
        subject: ScreeningSubject,
        nationality: str | None,
        listed: _ListedName,
        comparison: NameComparison,
    ) -> ScreeningHit | None:
        index = listed.entry_index
        entry = self._entries[index]
        dob_delta, dob_text = date_of_birth_evidence(
            subject.date_of_birth, entry.birth_dates
        )
        nat_delta, nat_text = nationality_evidence(
            nationality, self._nationalities[index], self._countries[index]
        )
        score = min(1.0, max(0.0, comparison.score + dob_delta + nat_delta))
        if score < self.policy.threshold:
            return None

        alias = listed.alias
        return ScreeningHit(
            entry_uid=entry.uid,
            list_name=entry.list_name,
            entry_type=entry.entry_type,
            matched_name=listed.text,
            matched_on=MatchedOn.PRIMARY_NAME if alias is None else MatchedOn.ALIAS,
            alias_type=None if alias is None else alias.alias_type,
            weak_alias=alias is not None and alias.weak,
            score=round(score, 4),
            name_score=round(comparison.score, 4),
            explanation=(
                *_name_explanation(subject.name, listed, comparison),
                dob_text,
                nat_text,
            ),
            entry_fingerprint=entry.fingerprint,
        )


def _codes(countries: tuple[str, ...]) -> tuple[str, ...]:
    codes = (country_code(c) for c in countries)
    return tuple(sorted({c for c in codes if c}))


def _name_explanation(
    subject_name: str, listed: _ListedName, comparison: NameComparison
) -> list[str]:
    where = "primary name" if listed.alias is None else (
        f"{listed.alias.alias_type.value} alias"
        + (" (weak)" if listed.alias.weak else "")
    )
    lines = [
        f"name: {subject_name!r} against {where} {listed.text!r}: "
        f"{comparison.score:.2f}"
    ]
    lines.extend(
        f"name part {p.subject_token!r} ~ {p.listed_token!r}: {p.how} "
        f"({p.similarity:.2f})"
        for p in comparison.pairs
    )
    if comparison.left_over_listed:
        lines.append(
            "listed name parts not in the subject's name: "
            + ", ".join(comparison.left_over_listed)
        )
    if comparison.left_over_subject:
        lines.append(
            "subject's name parts not in the listed name: "
            + ", ".join(comparison.left_over_subject)
        )
    if comparison.note:
        lines.append(f"name: {comparison.note}")
    return lines
