"""Text helpers shared by the cleansing rules: Unicode form, spaces, keys."""

from __future__ import annotations

import unicodedata


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def collapse_spaces(text: str) -> str:
    """Trim and collapse every run of Unicode whitespace to one space."""
    return " ".join(text.split())


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", kept)


def fold_key(text: str) -> str:
    """Comparison key: full case folding, no diacritics, single spaces.

    `casefold` (not `lower`) so "Straße" and "STRASSE" meet; diacritics go so
    "Zoë" meets "Zoe". Punctuation inside words becomes a space.
    """
    folded = strip_diacritics(text.casefold()).casefold()
    cleaned = "".join(c if c.isalnum() else " " for c in folded)
    return " ".join(cleaned.split())


def lower_char(c: str) -> str:
    # Some characters change length when re-cased ("İ".lower() is two code
    # points); leaving them alone keeps re-casing reversible and idempotent.
    low = c.lower()
    return low if len(low) == 1 else c


def upper_char(c: str) -> str:
    up = c.upper()
    return up if len(up) == 1 else c


def capitalise(word: str) -> str:
    """First letter upper, the rest lower, one code point at a time."""
    if not word:
        return word
    return upper_char(word[0]) + "".join(lower_char(c) for c in word[1:])
