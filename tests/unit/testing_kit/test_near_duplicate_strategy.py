"""The near-duplicate strategy: accepted documents, varied as it says."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cims.domain.customer_document import ValidationPolicy, read_profile
from cims.testing.near_duplicates import (
    VARIATIONS,
    near_duplicates,
    unrelated_to,
)
from cims.testing.strategies import customer_documents

TODAY = dt.date(2026, 1, 1)


@given(customer_documents().flatmap(near_duplicates))
def test_a_near_duplicate_is_a_document_cims_accepts_and_differs(pair):
    read_profile(pair.duplicate, ValidationPolicy(), TODAY)

    assert pair.duplicate != pair.original
    assert 1 <= len(pair.variations) <= 2
    assert set(pair.variations) <= set(VARIATIONS)


@given(
    customer_documents()
    .filter(lambda document: "dateOfBirth" in document)
    .flatmap(lambda document: near_duplicates(document, ["day_month_swap"]))
)
def test_a_day_month_swap_changes_only_the_date_of_birth(pair):
    before = dt.date.fromisoformat(pair.original["dateOfBirth"])
    after = dt.date.fromisoformat(pair.duplicate["dateOfBirth"])

    assert (after.day, after.month) == (before.month, before.day)
    assert {**pair.duplicate, "dateOfBirth": None} == {
        **pair.original,
        "dateOfBirth": None,
    }


@given(
    near_duplicates(
        {"firstName": "Robert", "lastName": "Nuñez"}, ["nickname", "surname_first"]
    )
)
def test_nicknames_and_surname_first_read_as_people_write_them(pair):
    if pair.variations == ("nickname",):
        assert pair.duplicate["firstName"] in {"Bob", "Rob"}
    if pair.variations == ("surname_first",):
        assert pair.duplicate == {"firstName": "NUÑEZ,", "lastName": "Robert"}


@given(st.data())
def test_an_unrelated_document_shares_no_name_email_phone_or_birth_date(data):
    original = data.draw(customer_documents())
    other = data.draw(customer_documents().filter(unrelated_to(original)))

    assert other["firstName"] not in (original["firstName"], original["lastName"])
    assert other.get("email") is None or other.get("email") != original.get("email")


def test_unknown_variations_are_refused_by_name():
    with pytest.raises(ValueError, match="'typos'"):
        near_duplicates({"firstName": "A", "lastName": "B"}, ["typos"])
