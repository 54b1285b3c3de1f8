"""Value objects of a customer profile: email, phone, address, KYC status.

Each value object is immutable and valid by construction. The `parse_*`
functions turn what a person typed into a value object or raise
`InvalidInput` naming the field.
"""

from __future__ import annotations

import enum
import re
import unicodedata

import attrs
import email_validator
import phonenumbers
import pycountry

from cims.domain.errors import FieldError, InvalidInput

# Codes banks meet that ISO 3166 does not (yet) assign.
EXTRA_COUNTRY_CODES = {"XK": "Kosovo"}


class KycStatus(enum.Enum):
    """Where a customer stands in know-your-customer verification."""

    PENDING = "Pending"
    IN_REVIEW = "InReview"
    VERIFIED = "Verified"
    REJECTED = "Rejected"
    EXPIRED = "Expired"

    @classmethod
    def parse(cls, raw: str, field: str = "kycStatus") -> KycStatus:
        """Accept any case and separators ("in_review", "IN REVIEW")."""
        key = re.sub(r"[\s_-]", "", raw).casefold()
        for status in cls:
            if status.value.casefold() == key:
                return status
        allowed = ", ".join(status.value for status in cls)
        raise _invalid(field, f"must be one of {allowed}; got {raw!r}")


@attrs.frozen
class EmailAddress:
    """An email address checked for syntax (no DNS), domain lower-cased."""

    address: str

    @property
    def match_key(self) -> str:
        """The form used to compare addresses: fully case-folded."""
        return self.address.casefold()

    def __str__(self) -> str:
        return self.address


def parse_email(raw: str, field: str = "email") -> EmailAddress:
    try:
        checked = email_validator.validate_email(
            raw.strip(), check_deliverability=False
        )
    except email_validator.EmailNotValidError as error:
        raise _invalid(field, f"is not a valid email address: {error}") from None
    return EmailAddress(checked.normalized)


# People type phones with spaces, dots, dashes and brackets; anything else
# (letters above all) means the value is not a phone number at all.
_PHONE_CHARACTERS = re.compile(r"^\+?[\d\s().\-/]+$")
_EXTENSION = re.compile(r"\s*(?:ext\.?|x|#)\s*(\d{1,6})\s*$", re.IGNORECASE)
MIN_PHONE_DIGITS = 6
MAX_PHONE_DIGITS = 15  # the E.164 maximum


@attrs.frozen
class PhoneNumber:
    """A phone as entered, with its E.164 form when it is a valid number.

    A number that phonenumbers cannot validate is kept as entered and marked
    unverified: banks receive local formats we cannot always resolve, and
    dropping or rewriting them would lose the customer's data.
    """

    entered: str
    e164: str | None = None
    extension: str | None = None

    @property
    def verified(self) -> bool:
        return self.e164 is not None

    @property
    def canonical(self) -> str:
        """E.164 when known, else the digits as entered (with a leading +)."""
        if self.e164 is not None:
            return self.e164
        return _digits_only(self.entered)

    @property
    def match_key(self) -> str:
        return self.canonical

    def __str__(self) -> str:
        return self.canonical


def parse_phone(raw: str, region: str | None, field: str = "phone") -> PhoneNumber:
    entered = " ".join(raw.split())
    extension = None
    found = _EXTENSION.search(entered)
    number_part = entered
    if found:
        extension = found.group(1)
        number_part = entered[: found.start()]

    if not _PHONE_CHARACTERS.match(number_part):
        raise _invalid(
            field, f"may hold only digits, spaces and + ( ) . - /; got {raw!r}"
        )
    digits = _digits_only(number_part).lstrip("+")
    if not MIN_PHONE_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        raise _invalid(
            field,
            f"must have {MIN_PHONE_DIGITS} to {MAX_PHONE_DIGITS} digits; "
            f"got {len(digits)}",
        )

    return PhoneNumber(entered, _to_e164(number_part, region), extension)


def _to_e164(number: str, region: str | None) -> str | None:
    try:
        parsed = phonenumbers.parse(number, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def _digits_only(text: str) -> str:
    prefix = "+" if text.strip().startswith("+") else ""
    return prefix + "".join(ch for ch in text if ch.isdigit())


def parse_country(raw: str, field: str = "nationality") -> str:
    """Return the ISO 3166 alpha-2 code for a code or an English name."""
    text = raw.strip()
    if text.upper() in EXTRA_COUNTRY_CODES:
        return text.upper()
    try:
        country = pycountry.countries.lookup(text)
    except LookupError:
        raise _invalid(
            field, f"must be an ISO 3166 country code or name; got {raw!r}"
        ) from None
    return str(country.alpha_2)


@attrs.frozen
class PostalAddress:
    """A structured postal address. Every part is optional but the whole is not."""

    lines: tuple[str, ...] = ()
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    country: str | None = None

    def as_text(self) -> str:
        """The single-line form existing clients read as `address`."""
        parts = [*self.lines, self.city, self.region, self.postal_code, self.country]
        return ", ".join(part for part in parts if part)


def clean_text(raw: str) -> str:
    """NFC-normalise and collapse whitespace, keeping every character."""
    return " ".join(unicodedata.normalize("NFC", raw).split())


def name_key(name: str) -> str:
    """The form names are compared in: NFKC then full case folding."""
    return unicodedata.normalize("NFKC", clean_text(name)).casefold()


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(f"{field} {message}", [FieldError(field, message)])
