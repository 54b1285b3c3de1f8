"""The customer as a document of plain values, in the names of the API contract.

The same document shape is what clients send and receive over HTTP, what
events carry in `changes`, and what batch feeds are mapped onto. Reading a
document validates every field and reports all failures at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs
import pycountry

from cims.domain.customer import (
    Account,
    AccountStatus,
    AccountType,
    ContactChannel,
    Customer,
    CustomerProfile,
    Preferences,
)
from cims.domain.errors import FieldError, InvalidCustomer, InvalidInput
from cims.domain.values import (
    KycStatus,
    PostalAddress,
    clean_text,
    parse_country,
    parse_email,
    parse_phone,
)

Document = dict[str, Any]
T = TypeVar("T")

MAX_NAME_LENGTH = 200
MAX_TEXT_LENGTH = 500
OLDEST_AGE_YEARS = 150

# Fields a client may send. Server-owned fields are accepted and ignored, so a
# client can PUT back what it fetched.
PROFILE_FIELDS = frozenset(
    {
        "firstName",
        "lastName",
        "email",
        "phone",
        "address",
        "postalAddress",
        "dateOfBirth",
        "nationality",
        "kycStatus",
        "accounts",
        "preferences",
    }
)
SERVER_FIELDS = frozenset(
    {
        "id",
        "version",
        "createdAt",
        "updatedAt",
        "phoneVerified",
        "phoneE164",
        "phoneExtension",
    }
)


@attrs.frozen
class ValidationPolicy:
    """Settings that shape validation; the region resolves local phone numbers."""

    default_region: str = "US"


@attrs.frozen
class ProfileRequest:
    """A validated document: the profile and the KYC status the caller asked for."""

    profile: CustomerProfile
    kyc_status: KycStatus | None


def read_profile(
    document: Mapping[str, Any], policy: ValidationPolicy, today: dt.date
) -> ProfileRequest:
    """Validate a customer document.

    Raises:
        InvalidCustomer: listing every field that failed, with the reason.
    """
    reader = _Reader(document)
    reader.reject_unknown_fields()

    first_name = reader.required("firstName", _name)
    last_name = reader.required("lastName", _name)
    nationality = reader.optional("nationality", _country("nationality"))
    postal = reader.optional("postalAddress", _postal_address)
    region = nationality or (postal.country if postal else None)
    email = reader.optional("email", lambda value: parse_email(_text(value)))
    phone = reader.optional(
        "phone",
        lambda value: parse_phone(_text(value), region or policy.default_region),
    )
    address = reader.optional("address", _address_text)
    birth = reader.optional("dateOfBirth", lambda value: _birth_date(value, today))
    status = reader.optional("kycStatus", lambda value: KycStatus.parse(_text(value)))
    accounts = reader.optional("accounts", lambda value: _accounts(value, today))
    preferences = reader.optional("preferences", _preferences)
    reader.raise_if_invalid()

    if address is None and postal is not None:
        address = postal.as_text() or None
    profile = CustomerProfile(
        first_name=first_name,  # type: ignore[arg-type]  # checked by raise_if_invalid
        last_name=last_name,  # type: ignore[arg-type]
        email=email,
        phone=phone,
        address=address,
        postal_address=postal,
        date_of_birth=birth,
        nationality=nationality,
        accounts=accounts or (),
        preferences=preferences or Preferences(),
    )
    return ProfileRequest(profile, status)


def profile_document(profile: CustomerProfile) -> Document:
    """The profile in contract names; `read_profile` reads it back unchanged."""
    postal = profile.postal_address
    preferences = profile.preferences
    return {
        "firstName": profile.first_name,
        "lastName": profile.last_name,
        "email": str(profile.email) if profile.email else None,
        "phone": profile.phone.entered if profile.phone else None,
        "address": profile.address,
        "postalAddress": None
        if postal is None
        else {
            "lines": list(postal.lines),
            "city": postal.city,
            "postalCode": postal.postal_code,
            "region": postal.region,
            "country": postal.country,
        },
        "dateOfBirth": _iso(profile.date_of_birth),
        "nationality": profile.nationality,
        "accounts": [
            {
                "accountId": account.account_id,
                "type": account.type.value,
                "currency": account.currency,
                "status": account.status.value,
                "openedOn": _iso(account.opened_on),
            }
            for account in profile.accounts
        ],
        "preferences": {
            "language": preferences.language,
            "contactChannels": [c.value for c in preferences.contact_channels],
            "marketingConsent": preferences.marketing_consent,
        },
    }


def customer_document(customer: Customer) -> Document:
    """The customer as clients read it.

    `phone` is the E.164 form when the number could be verified, else exactly
    what was entered; `phoneVerified` says which.
    """
    document = profile_document(customer.profile)
    phone = customer.profile.phone
    if phone is not None:
        document["phone"] = phone.e164 or phone.entered
        document["phoneExtension"] = phone.extension
    document["phoneVerified"] = bool(phone and phone.verified)
    return {
        "id": customer.id,
        **document,
        "kycStatus": customer.kyc_status.value,
        "version": customer.version,
        "createdAt": customer.created_at.isoformat(),
        "updatedAt": customer.updated_at.isoformat(),
    }


def request_document(customer: Customer) -> Document:
    """The document a client would send to recreate this customer as it is."""
    return {
        **profile_document(customer.profile),
        "kycStatus": customer.kyc_status.value,
    }


# Fields that describe the record rather than the customer; they change on
# every write and are not "changes" in the event contract.
_BOOKKEEPING = frozenset({"id", "version", "createdAt", "updatedAt"})


def changed_fields(before: Customer, after: Customer) -> Document:
    """Exactly the fields whose value differs, with their new values."""
    old = customer_document(before)
    new = customer_document(after)
    return {
        name: value
        for name, value in new.items()
        if name not in _BOOKKEEPING and old.get(name) != value
    }


class _Reader:
    """Collects field errors so the caller hears about all of them at once."""

    def __init__(self, document: Mapping[str, Any]) -> None:
        if not isinstance(document, Mapping):
            raise InvalidInput(
                f"a customer must be a JSON object; got {type(document).__name__}",
                [FieldError("", "must be a JSON object")],
            )
        self.document = document
        self.errors: list[FieldError] = []

    def reject_unknown_fields(self) -> None:
        for key in self.document:
            if key not in PROFILE_FIELDS and key not in SERVER_FIELDS:
                shown = str(key)[:50]
                self.errors.append(FieldError(shown, "is not a customer field"))

    def required(self, field: str, parse: Callable[[Any], T]) -> T | None:
        if self.document.get(field) is None:
            self.errors.append(FieldError(field, "is required"))
            return None
        return self.optional(field, parse)

    def optional(self, field: str, parse: Callable[[Any], T]) -> T | None:
        value = self.document.get(field)
        if value is None:
            return None
        try:
            return parse(value)
        except InvalidInput as error:
            for inner in error.errors or [FieldError("", str(error))]:
                self.errors.append(_nest(field, inner))
            return None

    def raise_if_invalid(self) -> None:
        if self.errors:
            raise InvalidCustomer(self.errors)


def _nest(field: str, error: FieldError) -> FieldError:
    """Put an inner error under its outer field: accounts[0].currency."""
    inner = error.field
    if inner == "" or inner == field:
        return FieldError(field, error.message)
    if inner.startswith(field):
        return error
    joiner = "" if inner.startswith("[") else "."
    return FieldError(f"{field}{joiner}{inner}", error.message)


def _fail(message: str, field: str = "") -> InvalidInput:
    return InvalidInput(message, [FieldError(field, message)])


def _text(value: Any, limit: int = MAX_TEXT_LENGTH) -> str:
    if not isinstance(value, str):
        raise _fail(f"must be a string; got {_json_type(value)}")
    text = clean_text(value)
    if len(text) > limit:
        raise _fail(f"must be at most {limit} characters; got {len(text)}")
    return text


def _name(value: Any) -> str:
    name = _text(value, MAX_NAME_LENGTH)
    if not name:
        raise _fail("must not be blank")
    if any(ch.isdigit() or (not ch.isprintable()) for ch in name):
        raise _fail("must not contain digits or control characters")
    return name


def _address_text(value: Any) -> str | None:
    return _text(value) or None


def _country(field: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        return parse_country(_text(value), field)

    return parse


def _date(value: Any) -> dt.date:
    text = _text(value)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"must be a date as YYYY-MM-DD; got {text!r}") from None


def _birth_date(value: Any, today: dt.date) -> dt.date:
    born = _date(value)
    if born > today:
        raise _fail(f"must not be in the future; got {born.isoformat()}")
    if today.year - born.year > OLDEST_AGE_YEARS:
        raise _fail(f"must be within the last {OLDEST_AGE_YEARS} years")
    return born


def _postal_address(value: Any) -> PostalAddress:
    if not isinstance(value, Mapping):
        raise _fail(f"must be an object; got {_json_type(value)}")
    unknown = set(value) - {"lines", "city", "postalCode", "region", "country"}
    if unknown:
        raise _fail(f"has unknown fields: {', '.join(sorted(map(str, unknown)))}")

    lines = value.get("lines") or []
    if not isinstance(lines, list) or len(lines) > 5:
        raise _fail("must be a list of at most 5 strings", "lines")
    country = value.get("country")
    address = PostalAddress(
        lines=tuple(text for text in (_text(line) for line in lines) if text),
        city=_optional_text(value.get("city")),
        postal_code=_optional_text(value.get("postalCode")),
        region=_optional_text(value.get("region")),
        country=parse_country(_text(country), "country") if country else None,
    )
    if address == PostalAddress():
        raise _fail("must have at least one part")
    return address


def _optional_text(value: Any) -> str | None:
    return None if value is None else (_text(value) or None)


def _accounts(value: Any, today: dt.date) -> tuple[Account, ...]:
    if not isinstance(value, list):
        raise _fail(f"must be a list; got {_json_type(value)}")
    accounts = []
    errors: list[FieldError] = []
    for index, item in enumerate(value):
        try:
            accounts.append(_account(item, today))
        except InvalidInput as error:
            errors.extend(
                FieldError(f"[{index}]" + (f".{e.field}" if e.field else ""), e.message)
                for e in error.errors
            )
    ids = [account.account_id for account in accounts]
    if len(ids) != len(set(ids)):
        errors.append(FieldError("", "must not repeat an accountId"))
    if errors:
        raise InvalidInput("accounts are invalid", errors)
    return tuple(accounts)


def _account(value: Any, today: dt.date) -> Account:
    if not isinstance(value, Mapping):
        raise _fail(f"must be an object; got {_json_type(value)}")
    unknown = set(value) - {"accountId", "type", "currency", "status", "openedOn"}
    if unknown:
        raise _fail(f"has unknown fields: {', '.join(sorted(map(str, unknown)))}")

    account_id = _text(value.get("accountId") or "", 64)
    if not account_id:
        raise _fail("is required", "accountId")
    currency = _text(value.get("currency") or "").upper()
    if pycountry.currencies.get(alpha_3=currency) is None:
        raise _fail(f"must be an ISO 4217 code; got {currency!r}", "currency")
    opened = value.get("openedOn")
    opened_on = _date(opened) if opened is not None else None
    if opened_on and opened_on > today:
        raise _fail("must not be in the future", "openedOn")
    return Account(
        account_id=account_id,
        type=_choice(AccountType, value.get("type"), "type"),
        currency=currency,
        status=_choice(AccountStatus, value.get("status") or "open", "status"),
        opened_on=opened_on,
    )


def _preferences(value: Any) -> Preferences:
    if not isinstance(value, Mapping):
        raise _fail(f"must be an object; got {_json_type(value)}")
    unknown = set(value) - {"language", "contactChannels", "marketingConsent"}
    if unknown:
        raise _fail(f"has unknown fields: {', '.join(sorted(map(str, unknown)))}")

    language = value.get("language")
    if language is not None:
        language = _language(_text(language))
    channels = value.get("contactChannels") or []
    if not isinstance(channels, list):
        raise _fail("must be a list", "contactChannels")
    consent = value.get("marketingConsent", False)
    if not isinstance(consent, bool):
        raise _fail("must be true or false", "marketingConsent")
    parsed = tuple(_choice(ContactChannel, c, "contactChannels") for c in channels)
    return Preferences(language, tuple(dict.fromkeys(parsed)), consent)


def _language(tag: str) -> str:
    """Accept a language tag such as "en" or "en-GB", checked against ISO 639."""
    primary, _, rest = tag.partition("-")
    found = pycountry.languages.get(alpha_2=primary.lower()) or (
        pycountry.languages.get(alpha_3=primary.lower())
    )
    if found is None:
        raise _fail(
            f"must be an ISO 639 language tag such as 'en-GB'; got {tag!r}", "language"
        )
    return primary.lower() + (f"-{rest.upper()}" if rest else "")


E = TypeVar("E", AccountType, AccountStatus, ContactChannel)


def _choice(kind: type[E], value: Any, field: str) -> E:
    if isinstance(value, str):
        key = value.strip().casefold().replace(" ", "_").replace("-", "_")
        for member in kind:
            if member.value == key:
                return member
    allowed = ", ".join(member.value for member in kind)
    raise _fail(f"must be one of {allowed}; got {value!r}", field)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _json_type(value: Any) -> str:
    names = {
        dict: "object",
        list: "array",
        bool: "boolean",
        int: "number",
        float: "number",
        str: "string",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)
