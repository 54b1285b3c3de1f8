"""Screen subjects against a watch list through an index built once per list.

Building the index prepares every listed name (primary names and aliases) and
files it under keys derived from its tokens: the token itself, every spelling
of it with one letter removed (so one typo on either side still meets), and
its phonetic key. Screening a subject looks up only the subject's own keys,
keeps the listed names that share keys with enough of the subject's tokens,
ranks them by how rare the shared tokens are, and scores only the best few.
The whole list is never scanned per subject.

LIMITATION: only `max_candidates` names are scored. For a subject made of very
common tokens ("Muhammad Ali") more listed names than that can tie on the
shared tokens; the shortest names win the tie, so a long listed name sharing
only those tokens can be left unscored.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable

from attrs import field, frozen

from cims.domain.screening.countries import country_code
from cims.domain.screening.entries import Alias, EntryType, WatchlistEntry
from cims.domain.screening.errors import InvalidScreeningPolicy, InvalidScreeningSubject
from cims.domain.screening.names import (
    NameForm,
    listed_name_form,
    name_form,
    phonetic_key,
)
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
# A listed name found through a fuzzy key ranks below one found on the token.
_FUZZY_KEY_WEIGHT = 0.7
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


def _exact_keys(tokens: Iterable[str]) -> set[str]:
    # A token's second and later occurrences get keys of their own, so that
    # "Omar OMAR" ranks the listed "OMAR, Omar" above every other Omar.
    keys = set()
    for token, count in Counter(tokens).items():
        keys.add("e" + token)
        keys.update(f"e{token}#{n}" for n in range(2, count + 1))
    return keys


def _fuzzy_keys(token: str) -> set[str]:
    # The token and each spelling of it with one letter removed: two tokens one
    # typo apart (a letter added, dropped or changed) always share one of these.
    keys = {"d" + token}
    if len(token) >= _MIN_DELETE_KEY_LENGTH:
        keys.update("d" + token[:i] + token[i + 1 :] for i in range(len(token)))

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
        self._lengths: list[int] = []
        self._single_token_names: set[int] = set()
        self._postings: dict[str, list[int]] = defaultdict(list)
        self._nationalities: list[tuple[str, ...]] = []
        self._fingerprints: list[str] = []
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
        self._fingerprints.append(entry.fingerprint)
        self._nationalities.append(_codes(entry.nationalities))
        self._countries.append(_codes(entry.countries))

        names: list[tuple[str, Alias | None]] = [(entry.primary_name, None)]
        names.extend(
            (alias.name, alias)
            for alias in entry.aliases
            if self.policy.include_weak_aliases or not alias.weak
        )
        for text, alias in names:
            form = listed_name_form(text)
            if not form.identity_tokens:
                continue

            name_id = len(self._names)
            self._names.append(_ListedName(index, text, alias, form))
            self._lengths.append(len(form.tokens))
            if len(set(form.identity_tokens)) == 1:
                self._single_token_names.add(name_id)
            spellings = {*form.identity_tokens, *form.identity_spellings}
            keys = set().union(*(_fuzzy_keys(t) for t in spellings))
            keys.update(_exact_keys(form.identity_tokens))
            for key in keys:
                self._postings[key].append(name_id)

    def _candidates(self, subject: NameForm) -> list[int]:
        spellings: dict[str, set[str]] = defaultdict(set)
        for token, spelling in subject.units:
            if len(token) > 1:
                spellings[token].update((token, spelling))

        # Per subject token: the listed names holding it exactly, and those
        # holding it or something one typo or one sound away.
        exact: list[set[int]] = []
        found: list[set[int]] = []
        for token, written in spellings.items():
            near: set[int] = set()
            for key in set().union(*(_fuzzy_keys(w) for w in written)):
                near.update(self._postings.get(key, ()))
            if near:
                exact.append(set(self._postings.get("e" + token, ())))
                found.append(near)

        if not found:
            return []

        # Set operations run in C; per-name Python work is left for the few
        # names that share enough tokens with the subject.
        if len(spellings) < 2:
            kept = found[0]
        else:
            everything = set().union(*found)
            kept = everything & self._single_token_names
            for i, first in enumerate(found):
                for second in found[i + 1 :]:
                    kept |= first & second

        # Rare tokens say more than common ones ("muhammad", "ali").
        rarities = [math.log(1.0 + self._name_count / len(f)) for f in found]
        weight: dict[int, float] = {}
        for name_id in kept:
            weight[name_id] = sum(
                r if name_id in e else r * _FUZZY_KEY_WEIGHT
                for r, e, f in zip(rarities, exact, found, strict=True)
                if name_id in f
            )

        repeated = _exact_keys(subject.identity_tokens) - _exact_keys(list(spellings))
        for key in repeated:
            for name_id in self._postings.get(key, ()):
                if name_id in weight:
                    weight[name_id] += 1.0

        # Among equally good candidates, names with fewer other parts first.
        lengths = self._lengths
        ranked = sorted(weight, key=lambda n: (-weight[n], lengths[n], n))
        return ranked[: self.policy.max_candidates]

    def screen(self, subject: ScreeningSubject) -> ScreeningResult:
        """Screen one subject; every hit carries its explanation."""
        form = name_form(subject.name, subject.family_name)
        if not form.tokens:
            msg = (
                "ScreeningSubject name: expected at least one letter or digit, "
                f"got {len(subject.name)} characters of punctuation or space"
            )
            raise InvalidScreeningSubject(msg)

        nationality = country_code(subject.nationality) if subject.nationality else None
        candidates = self._candidates(form)
        best: dict[int, tuple[float, int, NameComparison]] = {}
        for name_id in candidates:
            listed = self._names[name_id]
            comparison = compare_names(form, listed.form)
            if comparison.score <= 0.0:
                continue

            index = listed.entry_index
            score = comparison.score + self._evidence(subject, nationality, index)[0]
            previous = best.get(index)
            if previous is None or (score, -name_id) > previous[:2]:
                best[index] = (score, -name_id, comparison)

        hits = [
            self._hit(subject, nationality, -neg_name_id, comparison)
            for score, neg_name_id, comparison in best.values()
            if score >= self.policy.threshold
        ]
        hits.sort(key=lambda h: (-h.score, h.entry_uid))
        return ScreeningResult(
            subject=subject,
            hits=tuple(hits),
            threshold=self.policy.threshold,
            list_version=self.list_version,
            candidates_compared=len(candidates),
        )

    def screen_many(
        self, subjects: Iterable[ScreeningSubject]
    ) -> list[ScreeningResult]:
        return [self.screen(s) for s in subjects]

    def _evidence(
        self, subject: ScreeningSubject, nationality: str | None, index: int
    ) -> tuple[float, str, str]:
        dob_delta, dob_text = date_of_birth_evidence(
            subject.date_of_birth, self._entries[index].birth_dates
        )
        nat_delta, nat_text = nationality_evidence(
            nationality, self._nationalities[index], self._countries[index]
        )
        return dob_delta + nat_delta, dob_text, nat_text

    def _hit(
        self,
        subject: ScreeningSubject,
        nationality: str | None,
        name_id: int,
        comparison: NameComparison,
    ) -> ScreeningHit:
        listed = self._names[name_id]
        index = listed.entry_index
        entry = self._entries[index]
        delta, dob_text, nat_text = self._evidence(subject, nationality, index)
        score = min(1.0, max(0.0, comparison.score + delta))
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
            entry_fingerprint=self._fingerprints[index],
        )


def _codes(countries: tuple[str, ...]) -> tuple[str, ...]:
    codes = (country_code(c) for c in countries)
    return tuple(sorted({c for c in codes if c}))


def _name_explanation(
    subject_name: str, listed: _ListedName, comparison: NameComparison
) -> list[str]:
    where = (
        "primary name"
        if listed.alias is None
        else (
            f"{listed.alias.alias_type.value} alias"
            + (" (weak)" if listed.alias.weak else "")
        )
    )
    lines = [
        f"name: {subject_name!r} against {where} {listed.text!r}: "
        f"{comparison.score:.2f}"
    ]
    lines.extend(
        f"name part {p.subject_spelling!r} ~ {p.listed_spelling!r}: {p.how} "
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
