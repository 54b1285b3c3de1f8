"""Hypothesis strategies for customer data that CIMS accepts, and data it rejects.

Use them to property-test your own rules on top of CIMS:

    from hypothesis import given
    from cims.testing.strategies import customer_documents

    @given(customer_documents())
    def test_every_customer_gets_a_greeting(document):
        assert greeting(document).startswith("Dear")
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import phonenumbers
from hypothesis import strategies as st

# Domain-object strategies (storage round trips) live beside these; `customers`
# is re-exported because the storage contract imports it from here.
from cims.testing.domain_strategies import customers as customers

# Real given and family names from many scripts and naming cultures.
GIVEN_NAMES = (
    "Jane",
    "John",
    "Zoë",
    "Ørjan",
    "José",
    "François",
    "Siobhán",
    "Łukasz",
    "Ngozi",
    "Oluwaseun",
    "Mei-Ling",
    "Nguyễn Thị",
    "Anna-Lena",
    "D'Arcy",
    "Muhammad",
    "Fatıma",
    "Ólafur",
    "Søren",
    "Björk",
    "Dmitriy",
    "Дмитрий",
    "Александра",
    "Αλέξανδρος",
    "محمد",
    "فاطمة",
    "יוסף",
    "שרה",
    "美咲",
    "翔太",
    "伟",
    "秀英",
    "지민",
    "서연",
    "प्रिया",
    "राहुल",
    "สมชาย",
)
FAMILY_NAMES = (
    "Roe",
    "O'Brien",
    "McDonald",
    "van der Berg",
    "de la Cruz",
    "Smith-Jones",
    "Müller",
    "Weiß",
    "Nuñez",
    "Ødegård",
    "Kowalczyk",
    "Nguyễn",
    "Okonkwo",
    "Al-Hashimi",
    "ben David",
    "Иванов",
    "Παπαδόπουλος",
    "الهاشمي",
    "כהן",
    "佐藤",
    "王",
    "김",
    "शर्मा",
    "Srisuk",
    "Ó Súilleabháin",
    "Dąbrowski",
)
EMAIL_DOMAINS = ("example.com", "example.org", "bank.example", "mail.example.co.uk")
# Loading phone metadata is slow the first time; do it at import, not in a
# test's first draw, where Hypothesis would report the draw as too slow.
phonenumbers.example_number("US")

PHONE_REGIONS = ("US", "GB", "DE", "FR", "IN", "BR", "JP", "NG", "AU", "CH", "ZA")
COUNTRIES = ("US", "GB", "DE", "FR", "IN", "BR", "JP", "NG", "AU", "CH", "XK")


def names(pool: tuple[str, ...]) -> st.SearchStrategy[str]:
    letters = st.text(
        st.characters(categories=["Lu", "Ll", "Lo"]), min_size=1, max_size=20
    ).filter(lambda text: text.strip() == text)
    return st.one_of(st.sampled_from(pool), letters)


@st.composite
def emails(draw: st.DrawFn) -> str:
    # Built from small alphabets rather than st.from_regex, whose first use on
    # a machine costs seconds and trips Hypothesis's too-slow health check.
    local = draw(st.sampled_from(_LOWER)) + draw(_text(_LOWER + _DIGITS, 0, 11))
    if draw(st.booleans()):
        local += "." + draw(_text(_LOWER + _DIGITS, 1, 8))
    return f"{local}@{draw(st.sampled_from(EMAIL_DOMAINS))}"


_LOWER = "abcdefghijklmnopqrstuvwxyz"
_DIGITS = "0123456789"


def _text(alphabet: str, low: int, high: int) -> st.SearchStrategy[str]:
    return st.text(st.sampled_from(alphabet), min_size=low, max_size=high)


@st.composite
def phones(draw: st.DrawFn) -> str:
    """A valid number from one of many regions, written as people write them."""
    region = draw(st.sampled_from(PHONE_REGIONS))
    kind = draw(
        st.sampled_from(
            [
                phonenumbers.PhoneNumberType.MOBILE,
                phonenumbers.PhoneNumberType.FIXED_LINE,
            ]
        )
    )
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None, f"phonenumbers has no example for {region}"
    style = draw(
        st.sampled_from(
            [
                phonenumbers.PhoneNumberFormat.INTERNATIONAL,
                phonenumbers.PhoneNumberFormat.E164,
            ]
        )
    )
    return phonenumbers.format_number(example, style)


def birth_dates(today: dt.date = dt.date(2026, 1, 1)) -> st.SearchStrategy[str]:
    return st.dates(
        min_value=today.replace(year=today.year - 110), max_value=today
    ).map(dt.date.isoformat)


@st.composite
def postal_addresses(draw: st.DrawFn) -> dict[str, Any]:
    number = draw(st.integers(1, 999))
    street = draw(
        st.sampled_from(["High St", "Elm Rd", "Hauptstraße", "Rue de Rivoli"])
    )
    return {
        "lines": [f"{number} {street}"],
        "city": draw(st.sampled_from(["London", "Berlin", "Paris", "Lagos", "Zürich"])),
        "postalCode": " ".join(
            part
            for part in (
                draw(_text(_LOWER.upper() + _DIGITS, 3, 4)),
                draw(_text(_LOWER.upper() + _DIGITS, 0, 3)),
            )
            if part
        ),
        "region": None,
        "country": draw(st.sampled_from(COUNTRIES)),
    }


@st.composite
def accounts(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(0, 3))
    return [
        {
            "accountId": f"ACC-{index:04d}",
            "type": draw(st.sampled_from(["current", "savings", "mortgage"])),
            "currency": draw(st.sampled_from(["EUR", "GBP", "USD", "CHF"])),
            "status": draw(st.sampled_from(["open", "dormant", "closed"])),
            "openedOn": draw(
                st.dates(dt.date(1990, 1, 1), dt.date(2025, 12, 31))
            ).isoformat(),
        }
        for index in range(count)
    ]


@st.composite
def customer_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A customer document the API and the use cases accept."""
    document: dict[str, Any] = {
        "firstName": draw(names(GIVEN_NAMES)),
        "lastName": draw(names(FAMILY_NAMES)),
    }
    optional = {
        "email": emails(),
        "phone": phones(),
        "address": st.sampled_from(["12 High St", "9 Elm Rd, Springfield"]),
        "postalAddress": postal_addresses(),
        "dateOfBirth": birth_dates(),
        "nationality": st.sampled_from(COUNTRIES),
        "kycStatus": st.sampled_from(["Pending", "pending", "Verified", "InReview"]),
        "accounts": accounts(),
        "preferences": st.fixed_dictionaries(
            {
                "language": st.sampled_from(["en", "de", "fr-CH", "en-GB"]),
                "contactChannels": st.lists(
                    st.sampled_from(["email", "sms", "post", "app"]), unique=True
                ),
                "marketingConsent": st.booleans(),
            }
        ),
    }
    for field, strategy in optional.items():
        if draw(st.booleans()):
            document[field] = draw(strategy)
    return document


# Values that must be refused, one field at a time, with the field they break.
INVALID_FIELDS: dict[str, st.SearchStrategy[Any]] = {
    "firstName": st.one_of(st.just(""), st.just("   "), st.integers(), st.just("R2D2")),
    "email": st.one_of(st.just("not-an-email"), st.just("a@"), st.integers()),
    "phone": st.one_of(st.just("call me"), st.just("12"), st.just("1" * 20)),
    "dateOfBirth": st.one_of(st.just("2999-01-01"), st.just("31/12/1990")),
    "kycStatus": st.one_of(st.just("Approved"), st.just("")),
    "nationality": st.just("Atlantis"),
}


@st.composite
def invalid_customer_documents(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A document with exactly one bad field, and that field's name."""
    document = draw(customer_documents())
    field = draw(st.sampled_from(sorted(INVALID_FIELDS)))
    document[field] = draw(INVALID_FIELDS[field])
    return document, field


def json_values(max_leaves: int = 20) -> st.SearchStrategy[Any]:
    """Arbitrary JSON, for throwing at the API."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.floats(allow_nan=False),
        st.text(max_size=30),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.text(max_size=12), children, max_size=6),
        ),
        max_leaves=max_leaves,
    )
