"""Countries: ISO 3166 alpha-2 codes from names and codes, plus bank aliases."""

from __future__ import annotations

from functools import lru_cache

import pycountry

from .outcome import RULES_VERSION, CleansingOutcome
from .text import collapse_spaces, fold_key, nfc

# Codes and names banks meet that ISO 3166-1 does not hold (or holds
# elsewhere). Kosovo uses the user-assigned XK, as the EU and SWIFT do.
ALIASES = {
    "UK": "GB",
    "EL": "GR",
    "XK": "XK",
    "XKX": "XK",
    "RKS": "XK",
    "KOSOVO": "XK",
    "ENGLAND": "GB",
    "SCOTLAND": "GB",
    "WALES": "GB",
    "NORTHERN IRELAND": "GB",
    "GREAT BRITAIN": "GB",
    "USA": "US",
    "UNITED STATES OF AMERICA": "US",
    "HOLLAND": "NL",
    "RUSSIA": "RU",
    "SOUTH KOREA": "KR",
    "NORTH KOREA": "KP",
    "IVORY COAST": "CI",
    "TURKEY": "TR",
    "CZECH REPUBLIC": "CZ",
    "VIETNAM": "VN",
    "LAOS": "LA",
    "IRAN": "IR",
    "SYRIA": "SY",
    "BOLIVIA": "BO",
    "VENEZUELA": "VE",
    "TANZANIA": "TZ",
    "MOLDOVA": "MD",
}

# Names pycountry knows under another spelling, keyed by fold_key.
_EXTRA_NAMES = {fold_key(k): v for k, v in ALIASES.items() if len(k) > 3}


@lru_cache(maxsize=4096)
def country_code(value: str) -> str | None:
    """Alpha-2 code for a name, alpha-2, alpha-3 or numeric code; None if unknown."""
    text = collapse_spaces(nfc(value))
    upper = text.upper()
    if upper in ALIASES:
        return ALIASES[upper]

    found = None
    if len(upper) == 2 and upper.isalpha():
        found = pycountry.countries.get(alpha_2=upper)
    elif len(upper) == 3 and upper.isalpha():
        found = pycountry.countries.get(alpha_3=upper)
    elif len(upper) == 3 and upper.isdigit():
        found = pycountry.countries.get(numeric=upper)
    if found is not None:
        return str(found.alpha_2)

    key = fold_key(text)
    if key in _EXTRA_NAMES:
        return _EXTRA_NAMES[key]
    if len(text) > 3:
        try:
            return str(pycountry.countries.lookup(text).alpha_2)
        except LookupError:
            return None
    return None


def cleanse_country(value: str, field: str = "country") -> CleansingOutcome[str]:
    """Turn a country as typed into its ISO alpha-2 code, or flag it."""
    code = country_code(value)
    if code is None:
        text = collapse_spaces(nfc(value))
        changes = () if text == value else ("whitespace_collapsed",)
        return CleansingOutcome(
            field=field,
            original=value,
            value=text,
            changes=changes,
            flags=("unknown_country",),
            rules_version=RULES_VERSION,
        )

    changes = () if code == value else ("country_coded",)
    if value.strip().upper() in ALIASES and code != value.strip().upper():
        changes = ("country_alias",)
    return CleansingOutcome(
        field=field,
        original=value,
        value=code,
        changes=changes,
        rules_version=RULES_VERSION,
    )
