"""Near-duplicates: the same person written down again, the ways real data shows.

Draw a customer, then a near-duplicate of it, and check that your rule
treats them as one person (and distinct people as two):

    from hypothesis import given
    from cims.testing.near_duplicates import near_duplicates
    from cims.testing.strategies import customer_documents

    @given(customer_documents().flatmap(near_duplicates))
    def test_my_rule_sees_one_person(pair):
        assert same_person(pair.original, pair.duplicate)

Every variant is still a customer document CIMS accepts. Variations that do
not apply to a document (a day/month swap of the 20th, an email tag when there
is no email) are never drawn for it.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import phonenumbers
from hypothesis import reject
from hypothesis import strategies as st

from cims.domain.matching import PersonRecord

__all__ = [
    "NICKNAMES",
    "VARIATIONS",
    "NearDuplicate",
    "near_duplicates",
    "person_record",
    "unrelated_to",
]

Document = dict[str, Any]

# Given names and the short or familiar forms people also go by.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "Alexander": ("Alex", "Sasha"),
    "Александра": ("Саша", "Шура"),
    "Dmitriy": ("Dima",),
    "Дмитрий": ("Дима",),
    "Elizabeth": ("Liz", "Beth", "Betty"),
    "Francisco": ("Paco", "Frank"),
    "James": ("Jim", "Jimmy"),
    "Jane": ("Janie", "Jenny"),
    "John": ("Jack", "Johnny"),
    "José": ("Pepe",),
    "Katherine": ("Kate", "Kathy"),
    "Margaret": ("Peggy", "Maggie"),
    "Michael": ("Mike",),
    "Muhammad": ("Mohammed", "Mo"),
    "Oluwaseun": ("Seun",),
    "Richard": ("Rick", "Dick"),
    "Robert": ("Bob", "Rob"),
    "William": ("Bill", "Will"),
}

EMAIL_TAGS = ("news", "bank", "shopping", "2024")
MOVED_TO = (
    ("48 Station Rd", "Leeds", "LS1 4AP", "GB"),
    ("Torstraße 9", "Berlin", "10119", "DE"),
    ("3 Rue Lepic", "Paris", "75018", "FR"),
    ("221 Pine St", "Seattle", "98101", "US"),
)


@attrs.frozen
class NearDuplicate:
    """A customer document, a varied copy of it, and the variations applied."""

    original: Document
    duplicate: Document
    variations: tuple[str, ...]


Variation = Callable[[st.DrawFn, Document], Document | None]


def near_duplicates(
    document: Mapping[str, Any],
    variations: Sequence[str] | None = None,
    max_variations: int = 2,
) -> st.SearchStrategy[NearDuplicate]:
    """A copy of `document` with one to `max_variations` variations applied.

    Args:
        document: a customer document, e.g. from
            `cims.testing.strategies.customer_documents()`.
        variations: names from `VARIATIONS` to choose among; all by default.
        max_variations: at most this many are applied, in a random order.

    When none of the chosen variations applies to the document, the example
    is rejected (Hypothesis draws another); keep `variations` broad, or give
    documents the fields they need.
    """
    chosen = tuple(variations) if variations is not None else tuple(VARIATIONS)
    unknown = sorted(set(chosen) - set(VARIATIONS))
    if unknown or not chosen:
        msg = f"variations must be names from VARIATIONS; got {unknown or chosen!r}"
        raise ValueError(msg)
    if max_variations < 1:
        msg = f"max_variations must be at least 1; got {max_variations!r}"
        raise ValueError(msg)
    return _near_duplicate(dict(document), chosen, max_variations)


@st.composite
def _near_duplicate(
    draw: st.DrawFn, original: Document, chosen: tuple[str, ...], most: int
) -> NearDuplicate:
    order = draw(st.permutations(chosen))
    wanted = draw(st.integers(1, most))
    duplicate = dict(original)
    applied: list[str] = []
    for name in order:
        if len(applied) == wanted:
            break
        varied = VARIATIONS[name](draw, duplicate)
        if varied is not None and varied != duplicate:
            duplicate = varied
            applied.append(name)
    # Nothing applied: ask Hypothesis for another document rather than
    # passing off an exact copy as a near-duplicate.
    if not applied:
        reject()
    return NearDuplicate(original, duplicate, tuple(applied))


def unrelated_to(document: Mapping[str, Any]) -> Callable[[Mapping[str, Any]], bool]:
    """A filter keeping documents that share no identifying value with `document`.

    Use it to draw a distinct person:
    `customer_documents().filter(unrelated_to(original))`.
    """
    mine = _identifiers(document)

    def unrelated(other: Mapping[str, Any]) -> bool:
        return not (mine & _identifiers(other))

    return unrelated


def person_record(document: Mapping[str, Any], record_id: str) -> PersonRecord:
    """The customer document as the matching engine's `PersonRecord`."""
    postal = document.get("postalAddress") or {}
    lines = postal.get("lines") or []
    return PersonRecord.from_mapping(
        {
            "record_id": record_id,
            "given_name": document.get("firstName"),
            "surname": document.get("lastName"),
            "date_of_birth": document.get("dateOfBirth"),
            "email": document.get("email"),
            "phone": document.get("phone"),
            "address_line": lines[0] if lines else document.get("address"),
            "postcode": postal.get("postalCode"),
            "city": postal.get("city"),
            "country": postal.get("country") or document.get("nationality"),
        },
        today=dt.date(2100, 1, 1),
    )


# --- the variations --------------------------------------------------------


def _typo(draw: st.DrawFn, document: Document) -> Document | None:
    """A letter dropped, doubled, or two neighbours swapped, in one name."""
    field = draw(st.sampled_from(["firstName", "lastName"]))
    name = document[field]
    if len(name) < 3:
        return None
    at = draw(st.integers(1, len(name) - 2))
    kind = draw(st.sampled_from(["drop", "double", "swap"]))
    if kind == "drop":
        typed = name[:at] + name[at + 1 :]
    elif kind == "double":
        typed = name[: at + 1] + name[at:]
    else:
        typed = name[:at] + name[at + 1] + name[at] + name[at + 2 :]
    if not typed.strip() or typed.strip() != typed or "  " in typed:
        return None
    return {**document, field: typed}


def _swapped_names(draw: st.DrawFn, document: Document) -> Document | None:
    """Given name and surname entered the wrong way round."""
    return {
        **document,
        "firstName": document["lastName"],
        "lastName": document["firstName"],
    }


def _surname_first(draw: st.DrawFn, document: Document) -> Document | None:
    """ "ROE, Jane" split on its space: firstName "ROE,", lastName "Jane"."""
    return {
        **document,
        "firstName": f"{document['lastName'].upper()},",
        "lastName": document["firstName"],
    }


def _dropped_diacritics(draw: st.DrawFn, document: Document) -> Document | None:
    """Accents lost by a system that only knows ASCII letters ("Zoë" -> "Zoe")."""
    plain = {
        field: _strip_marks(document[field]) for field in ("firstName", "lastName")
    }
    if any(not value.strip() for value in plain.values()):
        return None
    return {**document, **plain}


def _nickname(draw: st.DrawFn, document: Document) -> Document | None:
    """The familiar form of the given name ("Robert" -> "Bob")."""
    forms = NICKNAMES.get(document["firstName"])
    if not forms:
        return None
    return {**document, "firstName": draw(st.sampled_from(forms))}


def _initial(draw: st.DrawFn, document: Document) -> Document | None:
    """The given name cut to its initial, with or without a full stop."""
    first = document["firstName"]
    if len(first) < 2:
        return None
    return {**document, "firstName": first[0] + draw(st.sampled_from([".", ""]))}


def _day_month_swap(draw: st.DrawFn, document: Document) -> Document | None:
    """The date of birth read day-first where it was month-first (or back)."""
    raw = document.get("dateOfBirth")
    if not raw:
        return None
    born = dt.date.fromisoformat(raw)
    if born.day > 12 or born.day == born.month:
        return None
    swapped = born.replace(month=born.day, day=born.month)
    return {**document, "dateOfBirth": swapped.isoformat()}


def _email_tag(draw: st.DrawFn, document: Document) -> Document | None:
    """A sub-address: "jane@example.com" -> "jane+news@example.com"."""
    email = document.get("email")
    if not email or "+" in email.partition("@")[0]:
        return None
    local, _, domain = email.partition("@")
    return {
        **document,
        "email": f"{local}+{draw(st.sampled_from(EMAIL_TAGS))}@{domain}",
    }


def _national_phone(draw: st.DrawFn, document: Document) -> Document | None:
    """The phone written the local way, without the country code."""
    phone = document.get("phone")
    if not phone:
        return None
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return None
    national = phonenumbers.format_number(
        number, phonenumbers.PhoneNumberFormat.NATIONAL
    )
    return {**document, "phone": national}


def _moved_address(draw: st.DrawFn, document: Document) -> Document | None:
    """The customer moved: a new street address, city and postcode."""
    if not document.get("address") and not document.get("postalAddress"):
        return None
    line, city, postcode, country = draw(st.sampled_from(MOVED_TO))
    moved = dict(document)
    if document.get("address"):
        moved["address"] = f"{line}, {city}"
    if document.get("postalAddress"):
        moved["postalAddress"] = {
            "lines": [line],
            "city": city,
            "postalCode": postcode,
            "region": None,
            "country": country,
        }
    return moved


VARIATIONS: dict[str, Variation] = {
    "typo": _typo,
    "swapped_names": _swapped_names,
    "surname_first": _surname_first,
    "dropped_diacritics": _dropped_diacritics,
    "nickname": _nickname,
    "initial": _initial,
    "day_month_swap": _day_month_swap,
    "email_tag": _email_tag,
    "national_phone": _national_phone,
    "moved_address": _moved_address,
}


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", kept)


def _identifiers(document: Mapping[str, Any]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for field in ("firstName", "lastName"):
        value = document.get(field)
        if isinstance(value, str):
            found.add(("name", _strip_marks(value).casefold()))
    for field in ("email", "dateOfBirth"):
        value = document.get(field)
        if isinstance(value, str):
            found.add((field, value.casefold()))
    phone = document.get("phone")
    if isinstance(phone, str):
        found.add(("phone", "".join(ch for ch in phone if ch.isdigit())[-9:]))
    return found
