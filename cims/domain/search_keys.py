"""The normalised forms customers are filtered and matched on.

Storage adapters store and index these keys, so a filter behaves the same on
every backend: `Jane.Roe@Example.COM` finds `jane.roe@example.com`.
"""

from __future__ import annotations

import datetime as dt

import attrs
import jellyfish

from cims.domain.cleansing.emails import email_key
from cims.domain.cleansing.phones import phone_key
from cims.domain.cleansing.text import fold_key
from cims.domain.customer import Customer
from cims.domain.errors import InvalidInput
from cims.domain.matching.record import PersonRecord
from cims.domain.values import PhoneNumber, name_key, parse_email, parse_phone


@attrs.frozen
class SearchKeys:
    email: str | None
    phone: str | None
    last_name: str


def search_keys(customer: Customer) -> SearchKeys:
    profile = customer.profile
    return SearchKeys(
        email=profile.email.match_key if profile.email else None,
        phone=profile.phone.match_key if profile.phone else None,
        last_name=name_key(profile.last_name),
    )


def email_filter_key(raw: str) -> str:
    """An email filter as typed, in the form stored emails are keyed by."""
    try:
        return parse_email(raw).match_key
    except InvalidInput:
        # An invalid address cannot match a stored (valid) one; keep the
        # folded text so the filter simply finds nothing.
        return raw.strip().casefold()


def phone_filter_key(raw: str, region: str) -> str:
    try:
        return parse_phone(raw, region).match_key
    except InvalidInput:
        return PhoneNumber(raw).canonical


def last_name_filter_key(raw: str) -> str:
    return name_key(raw)


# Candidate retrieval for fuzzy search and incremental matching.
#
# A customer gets a handful of "kind:value" keys; a query computes the same
# keys, and customers sharing any key are candidates, scored afterwards by the
# matching engine. Kinds:
#   n  phonetic code of one name token         (typos that sound alike)
#   f  NYSIIS codes of given and surname, sorted (either name order; NYSIIS
#      forgives transposed letters metaphone does not: "Jhon Smiht")
#   x  first three letters of given and surname, sorted (typos late in a name)
#   d  date of birth;  e  email;  t  last nine phone digits
# Names are folded first, so "Weiß" meets "Weiss" and "Zoë" meets "Zoe".
NAME_SOUND = "n"
NAME_PAIR = "f"
NAME_PREFIXES = "x"
BIRTH_DATE = "d"
EMAIL = "e"
PHONE = "t"


def name_tokens(text: str | None) -> list[str]:
    return fold_key(text).split() if text else []


def name_sound(token: str) -> str:
    """A token's phonetic code; tokens in other scripts are their own code."""
    letters = "".join(c for c in token if c.isascii() and c.isalpha())
    return jellyfish.metaphone(letters) if letters else token


def _pair_sound(token: str) -> str:
    letters = "".join(c for c in token if c.isascii() and c.isalpha())
    return jellyfish.nysiis(letters) if letters else token


def match_keys(
    given_name: str | None,
    surname: str | None,
    date_of_birth: dt.date | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> frozenset[str]:
    """The retrieval keys of a person, as stored for customers and asked by queries."""
    given, family = name_tokens(given_name), name_tokens(surname)
    keys = {
        f"{NAME_SOUND}:{name_sound(token)}"
        for token in given + family
        if len(token) >= 2
    }
    if given and family:
        first, last = given[0], family[-1]
        pair = sorted((_pair_sound(first), _pair_sound(last)))
        keys.add(f"{NAME_PAIR}:{pair[0]}|{pair[1]}")
        prefixes = sorted((first[:3], last[:3]))
        keys.add(f"{NAME_PREFIXES}:{prefixes[0]}|{prefixes[1]}")
    if date_of_birth is not None:
        keys.add(f"{BIRTH_DATE}:{date_of_birth.isoformat()}")
    if email:
        keys.add(f"{EMAIL}:{email_key(email)}")
    if phone:
        digits = phone_key(phone)
        if len(digits) >= 7:
            keys.add(f"{PHONE}:{digits}")
    return frozenset(keys)


def customer_match_keys(customer: Customer) -> frozenset[str]:
    """The retrieval keys storage adapters keep (and index) for a customer."""
    profile = customer.profile
    return match_keys(
        profile.first_name,
        profile.last_name,
        profile.date_of_birth,
        str(profile.email) if profile.email else None,
        (profile.phone.e164 or profile.phone.entered) if profile.phone else None,
    )


def person_record(customer: Customer) -> PersonRecord:
    """The customer as the matching engine compares people."""
    profile = customer.profile
    postal = profile.postal_address
    return PersonRecord(
        record_id=customer.id,
        given_name=profile.first_name,
        surname=profile.last_name,
        date_of_birth=profile.date_of_birth,
        email=str(profile.email) if profile.email else None,
        phone=(profile.phone.e164 or profile.phone.entered) if profile.phone else None,
        address_line=(" ".join(postal.lines) if postal else None) or profile.address,
        postcode=postal.postal_code if postal else None,
        city=postal.city if postal else None,
        country=(postal.country if postal else None) or profile.nationality,
    )
