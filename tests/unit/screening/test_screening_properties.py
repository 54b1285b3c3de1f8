"""Properties screening must keep for any name, not only the ones we thought of."""

import datetime

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cims.domain.screening import (
    BirthDate,
    EntryType,
    ScreeningIndex,
    ScreeningPolicy,
    ScreeningSubject,
    WatchlistEntry,
)
from cims.domain.screening.names import fold_text

LETTERS = "abcdefghijklmnopqrstuvwxyzéüñçøß"
ACCENTED = {"a": "á", "e": "è", "i": "ï", "o": "ô", "u": "ú", "n": "ñ", "c": "ç"}

words = st.text(alphabet=LETTERS, min_size=2, max_size=10).filter(
    lambda w: len(fold_text(w)) >= 2
)
names = st.lists(words, min_size=2, max_size=4)


def entry(uid, tokens, dob=None):
    return WatchlistEntry(
        list_name="TEST",
        uid=uid,
        entry_type=EntryType.INDIVIDUAL,
        primary_name=f"{tokens[-1].upper()}, {' '.join(tokens[:-1]).title()}",
        birth_dates=(dob,) if dob else (),
    )


# A fixed crowd of listed people, so that properties are checked against a list
# with neighbours, not against one entry alone.
CROWD = [
    entry(str(n), name.split())
    for n, name in enumerate(
        [
            "Ivan Petrov",
            "Maria Garcia Lopez",
            "Muhammad Ali Hasan",
            "John Smith",
            "Wei Zhang",
            "Yusuf Karim Hakimi",
            "Olga Ivanova",
            "Jose Luis Pena Vargas",
            "Chol Jin Kim",
            "Ahmad Reza Rahmani",
        ]
    )
]
INDEX = ScreeningIndex(CROWD, ScreeningPolicy(threshold=0.5))


def scores(index, subject):
    return {h.entry_uid: h.score for h in index.screen(subject).hits}


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(names, st.randoms(use_true_random=False))
def test_screening_does_not_depend_on_the_order_of_the_names(tokens, rng):
    shuffled = list(tokens)
    rng.shuffle(shuffled)

    assert scores(INDEX, ScreeningSubject(" ".join(tokens))) == scores(
        INDEX, ScreeningSubject(" ".join(shuffled))
    )


@settings(max_examples=150)
@given(names)
def test_screening_does_not_depend_on_case(tokens):
    name = " ".join(tokens)

    assert scores(INDEX, ScreeningSubject(name.upper())) == scores(
        INDEX, ScreeningSubject(name.lower())
    )


@settings(max_examples=150)
@given(names)
def test_screening_does_not_depend_on_diacritics(tokens):
    name = " ".join(tokens)
    accented = "".join(ACCENTED.get(c, c) for c in name)

    assert scores(INDEX, ScreeningSubject(name)) == scores(
        INDEX, ScreeningSubject(accented)
    )


@settings(max_examples=150)
@given(names)
def test_screening_does_not_depend_on_hyphens_between_names(tokens):
    assert scores(INDEX, ScreeningSubject(" ".join(tokens))) == scores(
        INDEX, ScreeningSubject("-".join(tokens))
    )


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(names)
def test_a_subject_with_an_entrys_primary_name_always_hits_that_entry(tokens):
    listed = entry("target", tokens)
    index = ScreeningIndex([*CROWD, listed])

    for name in (listed.primary_name, " ".join(tokens)):
        hits = index.screen(ScreeningSubject(name)).hits
        assert "target" in {h.entry_uid for h in hits}


@settings(max_examples=150)
@given(names, st.dates(datetime.date(1900, 1, 1), datetime.date(2020, 12, 31)))
def test_every_score_lies_between_zero_and_one(tokens, dob):
    for hit in INDEX.screen(ScreeningSubject(" ".join(tokens), date_of_birth=dob)).hits:
        assert 0.0 <= hit.score <= 1.0
        assert 0.0 <= hit.name_score <= 1.0


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(
    names,
    st.integers(1900, 2000),
    st.dates(datetime.date(1900, 1, 1), datetime.date(2020, 12, 31)),
)
def test_a_date_of_birth_that_disagrees_never_raises_the_score(tokens, year, dob):
    assume(dob.year != year)
    listed = entry("target", tokens, BirthDate.exact(year))
    index = ScreeningIndex([listed], ScreeningPolicy(threshold=0.01))
    name = " ".join(tokens)

    without = scores(index, ScreeningSubject(name)).get("target", 0.0)
    with_dob = scores(index, ScreeningSubject(name, date_of_birth=dob)).get(
        "target", 0.0
    )

    assert with_dob <= without
