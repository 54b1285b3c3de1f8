"""How close a subject's name is to a listed name, and what a date of birth or
nationality adds to or takes from that.

Names are compared token by token, regardless of order: every subject token is
paired with at most one listed token, best pairs first. The name score is the
mean similarity of the pairs, less a penalty for each token left over on
either side. Left-over listed tokens (a subject who does not give a middle
name or patronymic) cost little once two tokens agree; a name that agrees on
only one token of several cannot reach a hit at all.

LIMITATION: a typo in a two- or three-letter token (common in Korean and
Chinese romanisations, "Kim Chol" / "Kim Cxol") scores below agreement, so
such a name is found only when its other tokens carry it. LIMITATION: entity
names are scored like people's: legal forms ("LLC", "S.A.") count as tokens.
"""

from __future__ import annotations

import datetime
import functools

from attrs import frozen
from rapidfuzz.distance import OSA, JaroWinkler

from cims.domain.screening.entries import BirthDate
from cims.domain.screening.names import NameForm, phonetic_key

# A pair below this similarity is not a pair: both tokens stay unmatched.
MIN_PAIR_SIMILARITY = 0.72
# A pair at or above this counts as agreeing on that part of the name.
AGREEING_SIMILARITY = 0.84
INITIAL_SIMILARITY = 0.80
# Two tokens this long or longer, one typo apart (a letter added, dropped,
# changed, or two swapped), agree at least this much.
ONE_EDIT_MIN_LENGTH = 4
ONE_EDIT_SIMILARITY = 0.86
# How far a phonetic key agreement lifts a pair's similarity towards 1.
PHONETIC_LIFT = 0.4
# Penalties per left-over token, once at least two tokens agree.
LEFT_OVER_LISTED_PENALTY = 0.02
LEFT_OVER_LISTED_CAP = 0.06
LEFT_OVER_SUBJECT_PENALTY = 0.05
# Penalty per left-over token when fewer than two tokens agree.
WEAK_MATCH_PENALTY = 0.15
# The best a name can score when both names have two or more tokens but only
# one of them agrees: "John Smith" against "Smith Jones".
ONE_TOKEN_CAP = 0.70
# When one side says which part is the surname and no part of it agrees with
# the other name: "James Kang" against "CHUOL, James Koang".
SURNAME_MISSING_PENALTY = 0.12

DOB_SAME_DAY_BONUS = 0.04
DOB_SAME_YEAR_BONUS = 0.02
DOB_SAME_YEAR_OTHER_DAY_PENALTY = -0.04
DOB_YEAR_APART_PENALTY = -0.10
DOB_MISMATCH_PENALTY = -0.20
NATIONALITY_MATCH_BONUS = 0.02
NATIONALITY_MISMATCH_PENALTY = -0.05


@frozen
class TokenPair:
    subject_token: str
    listed_token: str
    similarity: float
    how: str
    subject_spelling: str
    listed_spelling: str


@frozen
class NameComparison:
    score: float
    pairs: tuple[TokenPair, ...]
    left_over_subject: tuple[str, ...]
    left_over_listed: tuple[str, ...]
    note: str | None


def _spelling_similarity(a: str, b: str) -> tuple[float, str]:
    jw = JaroWinkler.normalized_similarity(a, b)
    key = phonetic_key(a)
    if len(key) >= 3 and key == phonetic_key(b):
        return jw + (1.0 - jw) * PHONETIC_LIFT, "sounds alike"

    if min(len(a), len(b)) >= ONE_EDIT_MIN_LENGTH and OSA.distance(a, b) == 1:
        return max(jw, ONE_EDIT_SIMILARITY), "one letter apart"

    return jw, "close spelling"


@functools.lru_cache(maxsize=262_144)
def token_similarity(
    subject: tuple[str, str], listed: tuple[str, str]
) -> tuple[float, str]:
    """Similarity in [0, 1] of two (canonical, as spelled) tokens, and why."""
    if subject[0] == listed[0]:
        return 1.0, "same" if subject[1] == listed[1] else "spelling variant"

    if len(subject[0]) == 1 or len(listed[0]) == 1:
        if subject[0][0] == listed[0][0]:
            return INITIAL_SIMILARITY, "initial"
        return 0.0, "different initial"

    return max(
        _spelling_similarity(subject[0], listed[0]),
        _spelling_similarity(subject[1], listed[1]),
    )


Unit = tuple[str, str]


def _best_pairs(
    subject: tuple[Unit, ...], listed: tuple[Unit, ...]
) -> tuple[list[TokenPair], list[str], list[str]]:
    scored = []
    for s in set(subject):
        for t in set(listed):
            similarity, how = token_similarity(s, t)
            if similarity >= MIN_PAIR_SIMILARITY:
                scored.append((similarity, s, t, how))

    # Ties are broken on the tokens themselves, never on their position, so
    # that the result cannot depend on the order the names were written in.
    scored.sort(key=lambda p: (-p[0], p[1], p[2]))
    free_subject = list(subject)
    free_listed = list(listed)
    pairs: list[TokenPair] = []
    for similarity, s, t, how in scored:
        while s in free_subject and t in free_listed:
            free_subject.remove(s)
            free_listed.remove(t)
            pairs.append(TokenPair(s[0], t[0], similarity, how, s[1], t[1]))

    return (
        pairs,
        sorted(u[1] for u in free_subject),
        sorted(u[1] for u in free_listed),
    )


def compare_names(subject: NameForm, listed: NameForm) -> NameComparison:
    """Score how well the subject's name matches one listed name."""
    pairs, left_subject, left_listed = _best_pairs(subject.units, listed.units)
    if not pairs:
        return NameComparison(0.0, (), tuple(left_subject), tuple(left_listed), None)

    mean = sum(p.similarity for p in pairs) / len(pairs)
    # An initial agrees with a name, but only alongside a full name that agrees.
    full = sum(1 for p in pairs if p.similarity >= AGREEING_SIMILARITY)
    initials = sum(1 for p in pairs if p.how == "initial")
    note = None
    if full >= 1 and full + initials >= 2:
        listed_penalty = min(
            LEFT_OVER_LISTED_CAP, LEFT_OVER_LISTED_PENALTY * len(left_listed)
        )
        score = mean - listed_penalty - LEFT_OVER_SUBJECT_PENALTY * len(left_subject)
    else:
        score = mean - WEAK_MATCH_PENALTY * (len(left_subject) + len(left_listed))
        if len(subject.tokens) >= 2 and len(listed.tokens) >= 2:
            score = min(score, ONE_TOKEN_CAP)
            note = "only one name token agrees"

    for side, surname in (("listed", listed.surname), ("subject's", subject.surname)):
        agreeing = {
            p.listed_token if side == "listed" else p.subject_token
            for p in pairs
            if p.similarity >= AGREEING_SIMILARITY
        }
        if surname and not agreeing.intersection(surname):
            score -= SURNAME_MISSING_PENALTY
            note = f"no part of the {side} surname agrees"

    score = min(1.0, max(0.0, score))
    return NameComparison(
        score, tuple(pairs), tuple(left_subject), tuple(left_listed), note
    )


def _dob_delta(subject: datetime.date, listed: BirthDate) -> tuple[float, str]:
    if listed.year_from <= subject.year <= listed.year_to:
        if listed.month is None or listed.year_from != listed.year_to:
            return DOB_SAME_YEAR_BONUS, "birth year within the listed range"

        if listed.month == subject.month and listed.day in (None, subject.day):
            return DOB_SAME_DAY_BONUS, "same date of birth"

        return DOB_SAME_YEAR_OTHER_DAY_PENALTY, "same birth year, other day"

    apart = min(
        abs(subject.year - listed.year_from), abs(subject.year - listed.year_to)
    )
    if apart == 1:
        return DOB_YEAR_APART_PENALTY, "birth year one year apart"

    return DOB_MISMATCH_PENALTY, f"birth years {apart} years apart"


def date_of_birth_evidence(
    subject: datetime.date | None, listed: tuple[BirthDate, ...]
) -> tuple[float, str]:
    """Score change and explanation from comparing dates of birth.

    Absence on either side is no evidence either way. With several listed
    dates (aliases' dates), the most favourable one counts.
    """
    if subject is None:
        return 0.0, "date of birth: not given for the subject, no evidence"

    if not listed:
        return 0.0, "date of birth: none on the list, no evidence"

    delta, why = max((_dob_delta(subject, b) for b in listed), key=lambda d: d[0])
    shown = ", ".join(b.describe() for b in listed)
    return delta, (
        f"date of birth: subject {subject.isoformat()}, listed {shown}: "
        f"{why} ({delta:+.2f})"
    )


def nationality_evidence(
    subject: str | None,
    listed_nationalities: tuple[str, ...],
    listed_countries: tuple[str, ...],
) -> tuple[float, str]:
    """Score change and explanation from the subject's nationality.

    Both sides are ISO alpha-2 codes. A listed address country agreeing counts
    a little; disagreeing with it counts nothing, since people live abroad.
    """
    if subject is None:
        return 0.0, "nationality: not given for the subject, no evidence"

    if subject in listed_nationalities:
        return NATIONALITY_MATCH_BONUS, (
            f"nationality: {subject} is a listed nationality "
            f"({NATIONALITY_MATCH_BONUS:+.2f})"
        )

    if listed_nationalities:
        shown = ", ".join(listed_nationalities)
        return NATIONALITY_MISMATCH_PENALTY, (
            f"nationality: subject {subject}, listed {shown} "
            f"({NATIONALITY_MISMATCH_PENALTY:+.2f})"
        )

    if subject in listed_countries:
        return 0.0, f"nationality: {subject} is a listed address country, no score"

    return 0.0, "nationality: none on the list, no evidence"
