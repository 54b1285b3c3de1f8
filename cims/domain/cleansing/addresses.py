"""Postal addresses: spacing, casing, postcodes and keys for matching."""

from __future__ import annotations

import re

from .outcome import RULES_VERSION, CleansingOutcome
from .text import capitalise, collapse_spaces, fold_key, nfc

# Long and short forms that mean the same thing; keys use the short form.
ABBREVIATIONS = {
    "street": "st",
    "str": "st",
    "road": "rd",
    "avenue": "ave",
    "av": "ave",
    "drive": "dr",
    "lane": "ln",
    "court": "ct",
    "crescent": "cres",
    "place": "pl",
    "square": "sq",
    "terrace": "tce",
    "boulevard": "blvd",
    "highway": "hwy",
    "parade": "pde",
    "circuit": "cct",
    "close": "cl",
    "gardens": "gdns",
    "grove": "gr",
    "mount": "mt",
    "north": "n",
    "south": "s",
    "east": "e",
    "west": "w",
    "apartment": "apt",
    "flat": "flt",
    "suite": "ste",
    "floor": "fl",
    "building": "bldg",
    "saint": "st",
    "village": "vlge",
    "heights": "hts",
    "park": "pk",
}

_GB_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][A-Z0-9]?)([0-9][A-Z]{2})$")
_CA_POSTCODE = re.compile(r"^([A-Z][0-9][A-Z])([0-9][A-Z][0-9])$")
_NL_POSTCODE = re.compile(r"^([0-9]{4})([A-Z]{2})$")
_US_ZIP4 = re.compile(r"^([0-9]{5})([0-9]{4})$")
_POSTCODE_SHAPES = {
    "GB": _GB_POSTCODE,
    "CA": _CA_POSTCODE,
    "NL": _NL_POSTCODE,
    "US": _US_ZIP4,
}


def _recase_words(text: str) -> str:
    return " ".join(
        "-".join(capitalise(p) for p in word.split("-")) for word in text.split(" ")
    )


def _tidy(value: str, field: str) -> CleansingOutcome[str]:
    changes: list[str] = []
    text = nfc(value)
    if text != value:
        changes.append("unicode_normalised")
    spaced = collapse_spaces(text)
    if spaced != text:
        changes.append("whitespace_collapsed")
    result = spaced
    if spaced.isupper() or spaced.islower():
        result = nfc(_recase_words(spaced))
        if result != spaced:
            changes.append("recased")
    return CleansingOutcome(
        field=field,
        original=value,
        value=result,
        changes=tuple(changes),
        details=(("key", address_key(result)),),
        rules_version=RULES_VERSION,
    )


def cleanse_address_line(
    value: str, field: str = "address_line"
) -> CleansingOutcome[str]:
    """Tidy one address line; single-case input gets word casing."""
    return _tidy(value, field)


def cleanse_city(value: str, field: str = "city") -> CleansingOutcome[str]:
    return _tidy(value, field)


def cleanse_postcode(
    value: str, country: str | None = None, field: str = "postcode"
) -> CleansingOutcome[str]:
    """Upper case and the national spacing where we know it (GB, CA, NL, US).

    LIMITATION: postcodes are formatted, not validated against national
    registers; other countries only get upper case and single spaces.
    """
    compact = postcode_key(value)
    result = collapse_spaces(nfc(value)).upper()
    pattern = _POSTCODE_SHAPES.get(country or "")
    if pattern is not None and (m := pattern.match(compact)):
        joiner = "-" if country == "US" else " "
        result = f"{m.group(1)}{joiner}{m.group(2)}"
    changes = () if result == value else ("postcode_formatted",)
    return CleansingOutcome(
        field=field,
        original=value,
        value=result,
        changes=changes,
        details=(("key", postcode_key(result)),),
        rules_version=RULES_VERSION,
    )


def postcode_key(value: str) -> str:
    return "".join(c for c in value.upper() if c.isalnum())


def address_key(value: str) -> str:
    """Matching key: folded text with street words in their short form."""
    return " ".join(ABBREVIATIONS.get(w, w) for w in fold_key(value).split())
