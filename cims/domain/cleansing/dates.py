"""Dates of birth from the formats people and files use, as plain dates."""

from __future__ import annotations

import datetime as dt
import re

from .outcome import RULES_VERSION, CleansingOutcome
from .text import collapse_spaces

MONTHS = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[t ].*)?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4}|\d{2})$")
_DAY_WORD = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]+)\.?,?[ -](\d{4})$")
_WORD_DAY = re.compile(r"^([a-z]+)\.? (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})$")

EARLIEST_PLAUSIBLE = dt.date(1900, 1, 1)


def _month(word: str) -> int | None:
    if word in MONTHS:
        return MONTHS[word]
    return MONTHS.get(word[:3]) if len(word) > 3 else None


def _make(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _numeric(
    first: int, second: int, year: int, day_first: bool, notes: list[str]
) -> dt.date | None:
    if first > 12 and second <= 12:
        return _make(year, second, first)
    if second > 12 and first <= 12:
        if day_first:
            notes.append("month_first_inferred")
        return _make(year, first, second)
    if first != second:
        notes.append("ambiguous_day_month")
    return _make(year, second, first) if day_first else _make(year, first, second)


def parse_date(
    text: str, today: dt.date, day_first: bool = True
) -> tuple[dt.date | None, list[str]]:
    """Read one date; returns the date (or None) and notes on how it was read."""
    notes: list[str] = []
    lowered = collapse_spaces(text).lower()

    if match := _ISO.match(lowered) or _COMPACT.match(lowered):
        year, month, day = (int(g) for g in match.groups()[:3])
        return _make(year, month, day), notes

    if match := _NUMERIC.match(lowered):
        first, second, raw_year = match.groups()
        year = int(raw_year)
        if len(raw_year) == 2:
            # Birth dates are in the past: pick the latest century that is.
            notes.append("two_digit_year")
            year += 2000 if 2000 + year <= today.year else 1900
        return _numeric(int(first), int(second), year, day_first, notes), notes

    if match := _DAY_WORD.match(lowered):
        day_text, word, year_text = match.groups()
        named = _month(word)
        found = _make(int(year_text), named, int(day_text)) if named else None
        return found, notes

    if match := _WORD_DAY.match(lowered):
        word, day_text, year_text = match.groups()
        named = _month(word)
        found = _make(int(year_text), named, int(day_text)) if named else None
        return found, notes

    return None, notes


def cleanse_birth_date(
    value: str | dt.date,
    today: dt.date,
    day_first: bool = True,
    field: str = "date_of_birth",
) -> CleansingOutcome[dt.date | str]:
    """A date of birth as a `datetime.date`, never shifted by a time zone.

    A datetime keeps its own calendar date. Ambiguous day/month orders, two
    digit years, future and implausibly old dates are flagged; text that is no
    date at all is kept as entered and flagged.
    """
    if isinstance(value, dt.datetime):
        return _dated(field, value, value.date(), ["time_dropped"], today)
    if isinstance(value, dt.date):
        return _dated(field, value, value, [], today)

    parsed, notes = parse_date(value, today, day_first)
    if parsed is None:
        return CleansingOutcome(
            field=field,
            original=value,
            value=collapse_spaces(value),
            flags=("unparseable_date",),
            rules_version=RULES_VERSION,
        )
    changes = [] if parsed.isoformat() == value else ["date_parsed"]
    return _dated(field, value, parsed, changes + notes, today)


_FLAG_NOTES = frozenset({"ambiguous_day_month", "two_digit_year"})


def _dated(
    field: str, original: object, value: dt.date, notes: list[str], today: dt.date
) -> CleansingOutcome[dt.date | str]:
    flags = [n for n in notes if n in _FLAG_NOTES]
    if value > today:
        flags.append("future_date")
    if value < EARLIEST_PLAUSIBLE:
        flags.append("implausibly_old")
    return CleansingOutcome(
        field=field,
        original=original,
        value=value,
        changes=tuple(n for n in notes if n not in _FLAG_NOTES),
        flags=tuple(flags),
        rules_version=RULES_VERSION,
    )
