"""The screening index: who hits, who does not, and why."""

import datetime

import pytest

from cims.domain.screening import (
    Alias,
    AliasType,
    BirthDate,
    EntryType,
    InvalidScreeningPolicy,
    InvalidScreeningSubject,
    MatchedOn,
    ScreeningIndex,
    ScreeningPolicy,
    ScreeningSubject,
    WatchlistEntry,
)


def person(uid, name, *aliases, dob=None, nationalities=(), countries=()):
    return WatchlistEntry(
        list_name="TEST",
        uid=uid,
        entry_type=EntryType.INDIVIDUAL,
        primary_name=name,
        aliases=tuple(aliases),
        birth_dates=(dob,) if dob else (),
        nationalities=nationalities,
        countries=countries,
    )


ENTRIES = [
    person(
        "1",
        "SOKOLOV, Aleksandr Sergeyevich",
        Alias("SOKOLOV, Alexander"),
        dob=BirthDate.exact(1975, 6, 14),
        nationalities=("Russia",),
    ),
    person(
        "2",
        "AL-HAKIMI, Yusuf Abdel Karim",
        Alias("ABU KARIM", weak=True),
        Alias("HAKIMI, Yousef", AliasType.FKA),
        dob=BirthDate(1971, 1972),
    ),
    person("3", "MÜLLER, Jürgen", dob=BirthDate.exact(1955, 7, 3)),
    person("4", "ABU SALEH"),
    WatchlistEntry("TEST", "5", EntryType.ENTITY, "NORTHWIND TRADING LLC"),
    WatchlistEntry("TEST", "6", EntryType.VESSEL, "BLUE HERON"),
]


@pytest.fixture(scope="module")
def index():
    return ScreeningIndex(ENTRIES, list_version="v1")


def uids(result):
    return [h.entry_uid for h in result.hits]


def test_a_subject_with_the_listed_name_in_given_surname_order_hits(index):
    result = index.screen(ScreeningSubject("Aleksandr Sergeyevich Sokolov"))

    assert uids(result) == ["1"]
    assert result.best.score == pytest.approx(1.0)
    assert result.list_version == "v1"


def test_a_romanisation_variant_and_a_dropped_patronymic_still_hit(index):
    result = index.screen(
        ScreeningSubject(given_names="Alexandr", family_name="Sokolov")
    )

    assert uids(result) == ["1"]


def test_a_one_letter_typo_still_hits(index):
    assert uids(index.screen(ScreeningSubject("Aleksandr Sokolvo"))) == ["1"]


def test_diacritics_and_case_do_not_matter(index):
    assert uids(index.screen(ScreeningSubject("JURGEN MULLER"))) == ["3"]


def test_a_hit_on_an_alias_says_which_alias_and_of_what_type(index):
    hit = index.screen(ScreeningSubject("Yousef Hakimi")).best

    assert hit.entry_uid == "2"
    assert hit.matched_on is MatchedOn.ALIAS
    assert hit.alias_type is AliasType.FKA
    assert hit.matched_name == "HAKIMI, Yousef"


def test_weak_aliases_are_not_screened_unless_the_policy_says_so():
    subject = ScreeningSubject("Abu Karim")

    assert ScreeningIndex(ENTRIES).screen(subject).is_clear
    weak = ScreeningIndex(ENTRIES, ScreeningPolicy(include_weak_aliases=True))
    assert weak.screen(subject).best.weak_alias


def test_a_surname_alone_does_not_hit(index):
    assert index.screen(ScreeningSubject("Sokolov")).is_clear


def test_a_different_surname_with_the_same_given_name_does_not_hit(index):
    assert index.screen(ScreeningSubject("Aleksandr Petrov")).is_clear


def test_entities_and_vessels_are_screened_only_when_the_policy_includes_them(index):
    assert index.screen(ScreeningSubject("Northwind Trading LLC")).is_clear

    wide = ScreeningIndex(
        ENTRIES,
        ScreeningPolicy(entry_types=frozenset(EntryType)),
    )
    assert uids(wide.screen(ScreeningSubject("Northwind Trading"))) == ["5"]
    assert uids(wide.screen(ScreeningSubject("Blue Heron"))) == ["6"]


def test_a_matching_date_of_birth_raises_the_score_and_says_so(index):
    plain = index.screen(ScreeningSubject("Alexander Sokolv")).best
    dated = index.screen(
        ScreeningSubject("Alexander Sokolv", date_of_birth=datetime.date(1975, 6, 14))
    ).best

    assert dated.score > plain.score
    assert any("same date of birth" in line for line in dated.explanation)


def test_a_far_off_date_of_birth_can_clear_a_name_only_match(index):
    result = index.screen(
        ScreeningSubject("Alexander Sokolv", date_of_birth=datetime.date(1990, 1, 1))
    )

    assert result.is_clear


def test_a_birth_year_inside_a_listed_range_counts_for_the_match(index):
    hit = index.screen(
        ScreeningSubject(
            "Yusuf Abdel Karim al-Hakimi", date_of_birth=datetime.date(1972, 5, 5)
        )
    ).best

    assert any("within the listed range" in line for line in hit.explanation)


def test_a_nationality_mismatch_lowers_the_score(index):
    plain = index.screen(ScreeningSubject("Alexander Sokolv")).best
    foreign = index.screen(ScreeningSubject("Alexander Sokolv", nationality="FR")).best
    same = index.screen(ScreeningSubject("Alexander Sokolv", nationality="RU")).best

    assert foreign is None or foreign.score < plain.score
    assert same.score > plain.score


def test_every_hit_explains_names_date_of_birth_and_nationality(index):
    hit = index.screen(ScreeningSubject("Alexander Sokolov")).best

    assert hit.explanation[0].startswith("name: 'Alexander Sokolov' against")
    assert any(line.startswith("date of birth:") for line in hit.explanation)
    assert any(line.startswith("nationality:") for line in hit.explanation)
    assert hit.entry_fingerprint == ENTRIES[0].fingerprint


def test_a_mononym_on_the_list_hits_the_same_name(index):
    assert uids(index.screen(ScreeningSubject("Abu Saleh"))) == ["4"]


def test_a_subject_needs_a_name():
    with pytest.raises(InvalidScreeningSubject, match="full_name or given_names"):
        ScreeningSubject()


def test_a_name_of_only_punctuation_cannot_be_screened(index):
    with pytest.raises(InvalidScreeningSubject, match="at least one letter"):
        index.screen(ScreeningSubject("--- ,"))


def test_a_threshold_outside_zero_to_one_is_refused():
    with pytest.raises(InvalidScreeningPolicy, match="threshold"):
        ScreeningPolicy(threshold=1.5)


def test_the_fingerprint_changes_when_the_entry_changes():
    before = ENTRIES[0]
    after = WatchlistEntry(
        before.list_name,
        before.uid,
        before.entry_type,
        before.primary_name,
        aliases=(*before.aliases, Alias("SOKOLOFF, Sasha")),
    )

    assert before.fingerprint != after.fingerprint
    assert (
        before.fingerprint
        == person(
            "1",
            "SOKOLOV, Aleksandr Sergeyevich",
            Alias("SOKOLOV, Alexander"),
            dob=BirthDate.exact(1975, 6, 14),
            nationalities=("Russia",),
        ).fingerprint
    )
