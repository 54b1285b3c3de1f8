"""The record the matching engine compares: one person as a team sent it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from ..cleansing.dates import parse_date

_FIELD_ALIASES = {
    "id": "record_id",
    "first_name": "given_name",
    "forename": "given_name",
    "last_name": "surname",
    "family_name": "surname",
    "dob": "date_of_birth",
    "birth_date": "date_of_birth",
    "zip": "postcode",
    "postal_code": "postcode",
    "address": "address_line",
    "address_1": "address_line",
    "town": "city",
    "suburb": "city",
}

_CORE_FIELDS = (
    "record_id",
    "given_name",
    "surname",
    "date_of_birth",
    "email",
    "phone",
    "address_line",
    "postcode",
    "city",
    "country",
)


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).split())
    return text or None


@attrs.frozen
class PersonRecord:
    """One person's identifying data; absent values are None, never "".

    `extra` holds further fields (a national id, a state) that settings may
    name for comparison; unnamed extras ride along untouched.
    """

    record_id: str
    given_name: str | None = None
    surname: str | None = None
    date_of_birth: dt.date | None = None
    email: str | None = None
    phone: str | None = None
    address_line: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    extra: tuple[tuple[str, str], ...] = ()

    def extra_value(self, name: str) -> str | None:
        for key, value in self.extra:
            if key == name:
                return value
        return None

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, object], today: dt.date | None = None
    ) -> PersonRecord:
        """Build a record from a plain dict, as files and teams send them.

        Common column names are understood ("first_name", "dob", "zip"...).
        A lone "name"/"full_name" is split: "SURNAME, Given" or "Given Surname".
        A date of birth that cannot be read is left out (no evidence) rather
        than guessed; the cleansing rules are where it gets flagged.
        """
        values: dict[str, str] = {}
        extra: dict[str, str] = {}
        raw_birth: object = None
        for key, raw in data.items():
            name = _FIELD_ALIASES.get(key, key)
            if name == "date_of_birth":
                raw_birth = raw
                continue
            text = _text(raw)
            if text is None:
                continue
            if name in _CORE_FIELDS:
                values[name] = text
            else:
                extra[name] = text

        full = extra.pop("full_name", None) or extra.pop("name", None)
        if full and "given_name" not in values and "surname" not in values:
            values.update(_split_full_name(full))

        if "record_id" not in values:
            msg = f"record_id: expected a non-empty id, got {data.get('record_id')!r}"
            raise ValueError(msg)

        return cls(
            date_of_birth=_birth_date(raw_birth, today or dt.date.max),
            extra=tuple(sorted(extra.items())),
            **values,
        )


def _split_full_name(full: str) -> dict[str, str]:
    if "," in full:
        surname, _, given = full.partition(",")
        parts = {"surname": surname.strip(), "given_name": given.strip()}
    else:
        words = full.split(" ")
        parts = {"given_name": " ".join(words[:-1]), "surname": words[-1]}
    return {k: v for k, v in parts.items() if v}


def _birth_date(raw: object, today: dt.date) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = _text(raw)
    if text is None:
        return None
    found, _notes = parse_date(text, today)
    return found
