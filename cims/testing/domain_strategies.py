"""Hypothesis strategies for customers as the domain holds them.

Values are built straight from the domain's value objects, shaped like what
validation lets through, so storage tests can round-trip any customer CIMS
could have stored.
"""

from __future__ import annotations

import datetime as dt
import uuid

from hypothesis import strategies as st

from cims.domain.customer import (
    Account,
    AccountStatus,
    AccountType,
    ContactChannel,
    Customer,
    CustomerProfile,
    Preferences,
)
from cims.domain.values import (
    EmailAddress,
    KycStatus,
    PhoneNumber,
    PostalAddress,
    clean_text,
)

names = (
    st.text(
        alphabet=st.characters(categories=["L", "M"]) | st.sampled_from(" '-."),
        min_size=1,
        max_size=40,
    )
    .map(clean_text)
    .filter(lambda name: any(ch.isalpha() for ch in name))
)

# Free text keeps every character a person could send, controls included.
free_text = st.text(max_size=80).map(clean_text)

emails = st.emails().map(EmailAddress)

phones = st.builds(
    PhoneNumber,
    entered=st.from_regex(r"\+?[0-9][0-9 ]{5,18}[0-9]", fullmatch=True),
    e164=st.none() | st.from_regex(r"\+[1-9][0-9]{6,14}", fullmatch=True),
    extension=st.none() | st.from_regex(r"[0-9]{1,6}", fullmatch=True),
)

countries = st.sampled_from(["GB", "US", "DE", "FR", "ES", "IN", "JP", "XK", "BR"])

postal_addresses = st.builds(
    PostalAddress,
    lines=st.lists(free_text.filter(bool), max_size=3).map(tuple),
    city=st.none() | free_text.filter(bool),
    postal_code=st.none() | st.from_regex(r"[A-Z0-9 ]{3,9}", fullmatch=True),
    region=st.none() | free_text.filter(bool),
    country=st.none() | countries,
).filter(lambda address: address != PostalAddress())

past_dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2024, 1, 1))

accounts = st.builds(
    Account,
    account_id=st.from_regex(r"[A-Z0-9-]{4,20}", fullmatch=True),
    type=st.sampled_from(AccountType),
    currency=st.sampled_from(["EUR", "GBP", "USD", "JPY", "CHF"]),
    status=st.sampled_from(AccountStatus),
    opened_on=st.none() | past_dates,
)

preferences = st.builds(
    Preferences,
    language=st.none() | st.sampled_from(["en", "en-GB", "de", "fr-CA", "ja"]),
    contact_channels=st.lists(
        st.sampled_from(ContactChannel), unique=True, max_size=3
    ).map(tuple),
    marketing_consent=st.booleans(),
)

profiles = st.builds(
    CustomerProfile,
    first_name=names,
    last_name=names,
    email=st.none() | emails,
    phone=st.none() | phones,
    address=st.none() | free_text.filter(bool),
    postal_address=st.none() | postal_addresses,
    date_of_birth=st.none() | past_dates,
    nationality=st.none() | countries,
    accounts=st.lists(accounts, max_size=3, unique_by=lambda a: a.account_id).map(
        tuple
    ),
    preferences=preferences,
)

moments = st.datetimes(
    min_value=dt.datetime(1990, 1, 1),
    max_value=dt.datetime(2100, 1, 1),
    timezones=st.just(dt.UTC),
)


@st.composite
def customers(draw: st.DrawFn) -> Customer:
    """A customer with a fresh random id, so examples never collide in a store."""
    created = draw(moments)
    return Customer(
        id=str(uuid.uuid4()),
        profile=draw(profiles),
        kyc_status=draw(st.sampled_from(KycStatus)),
        created_at=created,
        updated_at=created
        + draw(st.timedeltas(dt.timedelta(0), dt.timedelta(days=900))),
        version=draw(st.integers(min_value=1, max_value=10_000)),
    )
