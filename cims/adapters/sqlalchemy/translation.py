"""Translating between customers and the rows they are stored as.

The profile is stored as a JSON document of its own shape (`STORED_SHAPE`),
not re-read through `read_profile`: stored data was validated when it was
written, and validating it again on every read would tie old rows to today's
rules (a birth date 150 years back, a phone resolved with another default
region) and could make a stored customer unreadable or subtly different.
This document keeps everything the domain holds, the phone's E.164 form and
extension included, so a customer reads back equal to what was written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from cims.adapters.sqlalchemy.schema import customers
from cims.domain.customer import (
    Account,
    AccountStatus,
    AccountType,
    ContactChannel,
    Customer,
    CustomerProfile,
    Preferences,
)
from cims.domain.customer_document import profile_document
from cims.domain.search_keys import search_keys
from cims.domain.values import EmailAddress, KycStatus, PhoneNumber, PostalAddress

# Bumped when the stored document changes shape; readers branch on it.
STORED_SHAPE = 1

# Plain dict lookups: calling an Enum class by value is several times slower,
# and listing customers reads these for every account of every customer.
_KYC_STATUSES = {status.value: status for status in KycStatus}
_ACCOUNT_TYPES = {kind.value: kind for kind in AccountType}
_ACCOUNT_STATUSES = {status.value: status for status in AccountStatus}
_CHANNELS = {channel.value: channel for channel in ContactChannel}


def customer_row(customer: Customer) -> dict[str, Any]:
    """The values of a customers row, search keys included."""
    keys = search_keys(customer)
    return {
        "id": customer.id,
        "version": customer.version,
        "kyc_status": customer.kyc_status.value,
        "created_at": customer.created_at,
        "updated_at": customer.updated_at,
        "email_key": keys.email,
        "phone_key": keys.phone,
        "last_name_key": keys.last_name,
        "profile": stored_profile(customer.profile),
    }


# What a read selects, in the order `customer_from_row` unpacks it; the search
# keys are derived data and stay in the database.
READ_COLUMNS = (
    customers.c.id,
    customers.c.version,
    customers.c.kyc_status,
    customers.c.created_at,
    customers.c.updated_at,
    customers.c.profile,
)


def customer_from_row(row: Sequence[Any]) -> Customer:
    """A customer from a row of `READ_COLUMNS`."""
    customer_id, version, kyc_status, created_at, updated_at, profile = row
    return Customer(
        id=customer_id,
        profile=profile_from_stored(profile),
        kyc_status=_KYC_STATUSES[kyc_status],
        created_at=created_at,
        updated_at=updated_at,
        version=version,
    )


def stored_profile(profile: CustomerProfile) -> dict[str, Any]:
    """The profile document, with the phone kept whole (E.164 and extension),
    so reading it back needs no validation against today's rules."""
    phone = profile.phone
    return {
        "shape": STORED_SHAPE,
        **profile_document(profile),
        "phone": None
        if phone is None
        else {"entered": phone.entered, "e164": phone.e164, "ext": phone.extension},
    }


def profile_from_stored(stored: Mapping[str, Any]) -> CustomerProfile:
    shape = stored.get("shape")
    if shape != STORED_SHAPE:
        raise ValueError(
            f"stored profile has shape {shape!r}; this version reads {STORED_SHAPE}"
        )

    phone = stored["phone"]
    postal = stored["postalAddress"]
    preferences = stored["preferences"]
    return CustomerProfile(
        first_name=stored["firstName"],
        last_name=stored["lastName"],
        email=EmailAddress(stored["email"]) if stored["email"] is not None else None,
        phone=None
        if phone is None
        else PhoneNumber(phone["entered"], phone["e164"], phone["ext"]),
        address=stored["address"],
        postal_address=None
        if postal is None
        else PostalAddress(
            lines=tuple(postal["lines"]),
            city=postal["city"],
            postal_code=postal["postalCode"],
            region=postal["region"],
            country=postal["country"],
        ),
        date_of_birth=_date(stored["dateOfBirth"]),
        nationality=stored["nationality"],
        accounts=tuple(
            [
                Account(
                    account["accountId"],
                    _ACCOUNT_TYPES[account["type"]],
                    account["currency"],
                    _ACCOUNT_STATUSES[account["status"]],
                    _date(account["openedOn"]),
                )
                for account in stored["accounts"]
            ]
        ),
        preferences=Preferences(
            language=preferences["language"],
            contact_channels=tuple(
                [_CHANNELS[channel] for channel in preferences["contactChannels"]]
            ),
            marketing_consent=preferences["marketingConsent"],
        ),
    )


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value is not None else None
