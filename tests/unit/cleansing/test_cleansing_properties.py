"""Properties every cleansing rule keeps: idempotent, never empties a value."""

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from cims.domain.cleansing import (
    cleanse_address_line,
    cleanse_birth_date,
    cleanse_country,
    cleanse_email,
    cleanse_name,
    cleanse_phone,
    cleanse_postcode,
)

TODAY = dt.date(2026, 12, 1)
texts = st.text(min_size=1, max_size=40).filter(lambda t: t.strip())
name_like = st.from_regex(r"[A-Za-zÀ-ÿ' -]{1,30}", fullmatch=True).filter(str.strip)
phone_like = st.from_regex(r"\+?[0-9 ()-]{3,20}( ext\. [0-9]{1,4})?", fullmatch=True)
email_like = st.emails() | texts

RULES = [
    cleanse_name,
    cleanse_address_line,
    cleanse_country,
    cleanse_email,
    cleanse_phone,
    cleanse_postcode,
]


@given(st.sampled_from(RULES), texts | name_like)
def test_cleansing_twice_changes_nothing_more(rule, value):
    once = rule(value).value

    assert rule(once).value == once


@given(st.sampled_from(RULES), texts | name_like | phone_like | email_like)
def test_cleansing_never_empties_a_non_empty_field(rule, value):
    assert rule(value).value.strip()


@given(phone_like)
def test_phone_cleansing_is_idempotent_for_number_like_text(value):
    once = cleanse_phone(value).value

    assert cleanse_phone(once).value == once


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY))
def test_a_cleansed_date_reads_back_as_the_same_date(day):
    once = cleanse_birth_date(day.isoformat(), TODAY).value

    assert once == day
    assert cleanse_birth_date(once.isoformat(), TODAY).value == day


@given(texts)
def test_date_cleansing_keeps_every_non_empty_value(value):
    outcome = cleanse_birth_date(value, TODAY)

    assert outcome.original == value
    assert isinstance(outcome.value, dt.date) or outcome.value.strip()
