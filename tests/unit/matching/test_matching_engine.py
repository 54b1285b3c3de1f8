"""find_duplicates and score_pair: decisions, evidence and grouping."""

import datetime as dt

import pytest

from cims.domain.matching import (
    MatchSettings,
    MatchSettingsError,
    PersonRecord,
    find_duplicates,
    score_pair,
)
from cims.domain.matching.clustering import cluster


def person(record_id, **fields):
    base = {
        "given_name": "Margaret",
        "surname": "O'Brien",
        "date_of_birth": dt.date(1960, 3, 12),
        "email": "maggie.obrien@example.org",
        "phone": "+447700900123",
        "address_line": "12 High Street",
        "postcode": "SW1A 1AA",
        "city": "London",
        "country": "GB",
    }
    base.update(fields)
    return PersonRecord(record_id, **base)


def test_a_record_built_from_a_dict_understands_common_column_names():
    record = PersonRecord.from_mapping(
        {"id": "7", "first_name": "Ann", "last_name": "Lee", "dob": "12/03/1960"}
    )

    assert (record.record_id, record.given_name, record.surname) == ("7", "Ann", "Lee")
    assert record.date_of_birth == dt.date(1960, 3, 12)


def test_a_surname_comma_given_name_is_split():
    record = PersonRecord.from_mapping({"record_id": "1", "name": "SMITH, John"})

    assert (record.given_name, record.surname) == ("John", "SMITH")


def test_a_record_without_id_is_refused_with_the_field_named():
    with pytest.raises(ValueError, match="record_id"):
        PersonRecord.from_mapping({"given_name": "Ann"})


def test_the_same_person_with_typos_and_provider_tricks_is_a_match():
    a = person("a")
    b = person(
        "b",
        given_name="Margret",
        email="Maggie.OBrien@EXAMPLE.org",
        phone="07700 900123",
        address_line="12 HIGH ST",
    )

    decision = score_pair(a, b)

    assert decision.decision == "match"


def test_transposed_names_and_swapped_day_and_month_still_match():
    a = person("a")
    b = person(
        "b",
        given_name="O'Brien",
        surname="Margaret",
        date_of_birth=dt.date(1960, 12, 3),
    )

    decision = score_pair(a, b)
    levels = {f.field: f.level for f in decision.evidence.fields}

    assert decision.decision == "match"
    assert levels["name_order"] == "transposed"
    assert levels["date_of_birth"] == "day_month_swapped"


def test_different_people_at_the_same_address_are_distinct():
    a = person("a")
    b = person(
        "b",
        given_name="Patrick",
        date_of_birth=dt.date(1992, 7, 1),
        email="pat@example.org",
        phone="+447700900999",
    )

    assert score_pair(a, b).decision == "distinct"


def test_the_explanation_names_every_field_with_level_and_weight():
    text = score_pair(person("a"), person("b", email=None)).evidence.explain()

    assert "given_name: exact (+" in text
    assert "email: missing on one side, no evidence (0.00 bits)" in text
    assert "thresholds: match 0.99, possible 0.5" in text


def test_duplicates_are_grouped_with_their_evidence():
    records = [
        person("1"),
        person("2", given_name="Margret"),
        person(
            "3",
            given_name="Peter",
            surname="Novak",
            date_of_birth=None,
            email=None,
            phone=None,
            address_line="3 Mill Lane",
            postcode="LS1 4AP",
        ),
    ]

    result = find_duplicates(records)

    assert [g.record_ids for g in result.groups] == [("1", "2")]
    pair = result.groups[0].pairs[0]
    assert pair.decision == "match"
    assert pair.evidence.rules_version == "2026.12.1"


def test_a_weak_link_does_not_chain_two_people_together():
    # 2 shares much with 1 and with 3, but 1 and 3 are plainly different.
    one = person("1")
    two = person("2", email="shared@example.org")
    three = person(
        "3",
        given_name="Peter",
        date_of_birth=dt.date(1971, 1, 9),
        email="shared@example.org",
        phone="+447700900555",
        address_line="99 Mill Lane",
        postcode="LS1 4AP",
        city="Leeds",
    )
    settings = MatchSettings()

    result = find_duplicates([one, two, three], settings)

    assert all(not {"1", "3"} <= set(g.record_ids) for g in result.groups)


def test_groups_merge_only_when_every_cross_pair_has_evidence():
    strong = {(0, 1): 0.999, (1, 2): 0.995, (0, 2): 0.01}

    groups, refused = cluster(
        3,
        [(0.999, 0, 1), (0.995, 1, 2)],
        lambda a, b: strong[(min(a, b), max(a, b))],
        floor=0.5,
        bar=0.99,
        max_group_size=50,
    )

    assert groups == [[0, 1]]
    assert refused == [(0.995, 1, 2)]


def test_duplicate_record_ids_are_refused():
    with pytest.raises(MatchSettingsError, match="record_id"):
        find_duplicates([person("1"), person("1")])


def test_thresholds_out_of_order_are_refused():
    with pytest.raises(MatchSettingsError, match="possible_threshold"):
        MatchSettings(match_threshold=0.6, possible_threshold=0.8)


def test_oversized_blocks_are_capped_and_reported():
    records = [
        person(
            str(i),
            given_name=f"Name{i:03d}",
            email=None,
            phone=None,
            address_line=None,
            postcode=None,
            date_of_birth=dt.date(1960, 1, 1),
        )
        for i in range(40)
    ]

    result = find_duplicates(records, MatchSettings(max_block_size=10, window=3))

    assert result.stats.capped_blocks >= 1
    assert result.stats.candidate_pairs < 40 * 39 // 2
