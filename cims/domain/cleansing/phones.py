"""Telephone numbers: E.164 form, with impossible numbers flagged, not dropped."""

from __future__ import annotations

import phonenumbers

from .outcome import RULES_VERSION, CleansingOutcome
from .text import collapse_spaces, nfc

DEFAULT_REGION = "GB"


def cleanse_phone(
    value: str,
    country: str | None = None,
    default_region: str = DEFAULT_REGION,
    field: str = "phone",
) -> CleansingOutcome[str]:
    """Write a number as E.164, reading national forms in the customer's country.

    `country` is an ISO alpha-2 code (already cleansed); without one the
    configurable `default_region` applies. An extension goes to `details`.
    A number that cannot be a real one is kept as entered and flagged.
    """
    text = collapse_spaces(nfc(value))
    region = (country or default_region).upper()
    changes = [] if text == value else ["whitespace_collapsed"]

    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return _kept(field, value, text, changes, "unparseable_phone")

    if not phonenumbers.is_possible_number(number):
        return _kept(field, value, text, changes, "impossible_phone")

    e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    flags = () if phonenumbers.is_valid_number(number) else ("unassigned_phone",)
    details = [("key", phone_key(e164))]
    if number.extension:
        details.append(("extension", number.extension))
        changes.append("extension_separated")
    if e164 != text:
        changes.append("formatted_e164")
    return CleansingOutcome(
        field=field,
        original=value,
        value=e164,
        changes=tuple(changes),
        flags=flags,
        details=tuple(details),
        rules_version=RULES_VERSION,
    )


def _kept(
    field: str, original: str, text: str, changes: list[str], flag: str
) -> CleansingOutcome[str]:
    return CleansingOutcome(
        field=field,
        original=original,
        value=text,
        changes=tuple(changes),
        flags=(flag,),
        details=(("key", phone_key(text)),),
        rules_version=RULES_VERSION,
    )


def phone_key(value: str) -> str:
    """Matching key: the last nine digits, so "+44 7700 900123" meets
    "07700 900123" without parsing. Extensions are not part of the key."""
    main = value.lower().split("ext")[0].split("x")[0].split(";")[0]
    digits = "".join(c for c in main if c.isdigit() and c.isascii())
    return digits[-9:]
