"""Country names as lists and customers write them, reduced to ISO 3166 codes."""

from __future__ import annotations

import functools

import pycountry

from cims.domain.screening.names import fold_text

# Spellings used by the OFAC list (and by people) that pycountry does not know.
_KNOWN_SPELLINGS = {
    "russia": "RU",
    "korea north": "KP",
    "north korea": "KP",
    "korea south": "KR",
    "south korea": "KR",
    "burma": "MM",
    "turkey": "TR",
    "congo democratic republic of the": "CD",
    "congo republic of the": "CG",
    "the gambia": "GM",
    "gambia the": "GM",
    "bahamas the": "BS",
    "palestinian": "PS",
    "west bank": "PS",
    "region gaza": "PS",
    "kosovo": "XK",
    "man isle of": "IM",
    "cote d ivoire": "CI",
    "netherlands antilles": "AN",
    "macedonia the former yugoslav republic of": "MK",
    "iran": "IR",
    "syria": "SY",
    "venezuela": "VE",
    "united kingdom": "GB",
    "uk": "GB",
    "usa": "US",
    "united states": "US",
}


@functools.lru_cache(maxsize=4096)
def country_code(text: str) -> str | None:
    """The ISO alpha-2 code for a country name or code, or None if unknown."""
    folded = fold_text(text)
    if not folded:
        return None

    if folded in _KNOWN_SPELLINGS:
        return _KNOWN_SPELLINGS[folded]

    try:
        country = pycountry.countries.lookup(text.strip())
    except LookupError:
        return None

    return str(country.alpha_2)
