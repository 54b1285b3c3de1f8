"""Customers to MongoDB documents and back, field by field.

A customer is one document: the profile (accounts and preferences embedded),
the KYC status, the version and the normalised search keys the indexes use.
Reading a document builds every value object explicitly; a stored dict is
never splatted into a domain constructor, and a field of the wrong type
fails loudly instead of becoming a strange customer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

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
from cims.domain.search_keys import customer_match_keys, search_keys
from cims.domain.values import EmailAddress, KycStatus, PhoneNumber, PostalAddress

Document = dict[str, Any]

# Fields a tombstone drops (see store.py); everything that describes the person.
PERSONAL_FIELDS = ("profile", "keys", "matchKeys", "kycStatus")


class CorruptDocument(Exception):
    """A stored document does not have the shape this adapter writes."""


def customer_fields(customer: Customer) -> Document:
    """Everything stored for a customer except `_id` and the bookkeeping."""
    keys = search_keys(customer)
    return {
        "version": customer.version,
        "kycStatus": customer.kyc_status.value,
        # BSON dates keep milliseconds only and come back naive; ISO text
        # keeps the exact instant, and sorts correctly because all are UTC.
        "createdAt": _instant(customer.created_at),
        "updatedAt": _instant(customer.updated_at),
        "profile": _profile_fields(customer.profile),
        "keys": {"email": keys.email, "phone": keys.phone, "lastName": keys.last_name},
        # Retrieval keys for fuzzy search, one multikey index over them.
        "matchKeys": sorted(customer_match_keys(customer)),
    }


def customer_from_document(document: Mapping[str, Any]) -> Customer:
    """The customer a document written by `customer_fields` describes."""
    try:
        return Customer(
            id=_str(document["_id"]),
            profile=_profile(document["profile"]),
            kyc_status=KycStatus(_str(document["kycStatus"])),
            created_at=dt.datetime.fromisoformat(_str(document["createdAt"])),
            updated_at=dt.datetime.fromisoformat(_str(document["updatedAt"])),
            version=_int(document["version"]),
        )
    except (KeyError, TypeError, ValueError) as error:
        shown = str(document.get("_id"))[:64]
        raise CorruptDocument(
            f"customer document {shown!r} cannot be read: {error!r}"
        ) from error


def _profile_fields(profile: CustomerProfile) -> Document:
    """The profile document, with the phone kept whole (E.164 and extension)."""
    phone = profile.phone
    return {
        **profile_document(profile),
        "phone": None
        if phone is None
        else {
            "entered": phone.entered,
            "e164": phone.e164,
            "extension": phone.extension,
        },
    }


def _profile(fields: Mapping[str, Any]) -> CustomerProfile:
    phone = fields.get("phone")
    postal = fields.get("postalAddress")
    preferences = fields["preferences"]
    return CustomerProfile(
        first_name=_str(fields["firstName"]),
        last_name=_str(fields["lastName"]),
        email=_maybe(fields.get("email"), lambda v: EmailAddress(_str(v))),
        phone=None
        if phone is None
        else PhoneNumber(
            entered=_str(phone["entered"]),
            e164=_maybe(phone.get("e164"), _str),
            extension=_maybe(phone.get("extension"), _str),
        ),
        address=_maybe(fields.get("address"), _str),
        postal_address=None
        if postal is None
        else PostalAddress(
            lines=tuple(_str(line) for line in postal["lines"]),
            city=_maybe(postal.get("city"), _str),
            postal_code=_maybe(postal.get("postalCode"), _str),
            region=_maybe(postal.get("region"), _str),
            country=_maybe(postal.get("country"), _str),
        ),
        date_of_birth=_maybe(fields.get("dateOfBirth"), _date),
        nationality=_maybe(fields.get("nationality"), _str),
        accounts=tuple(_account(item) for item in fields["accounts"]),
        preferences=Preferences(
            language=_maybe(preferences.get("language"), _str),
            contact_channels=tuple(
                ContactChannel(_str(c)) for c in preferences["contactChannels"]
            ),
            marketing_consent=_bool(preferences["marketingConsent"]),
        ),
    )


def _account(fields: Mapping[str, Any]) -> Account:
    return Account(
        account_id=_str(fields["accountId"]),
        type=AccountType(_str(fields["type"])),
        currency=_str(fields["currency"]),
        status=AccountStatus(_str(fields["status"])),
        opened_on=_maybe(fields.get("openedOn"), _date),
    )


def _maybe(value: Any, read: Any) -> Any:
    return None if value is None else read(value)


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, found {type(value).__name__}")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected an integer, found {type(value).__name__}")
    return value


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected a boolean, found {type(value).__name__}")
    return value


def _date(value: Any) -> dt.date:
    return dt.date.fromisoformat(_str(value))


def _instant(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
