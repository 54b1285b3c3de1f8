"""The normalised forms customers are filtered and matched on.

Storage adapters store and index these keys, so a filter behaves the same on
every backend: `Jane.Roe@Example.COM` finds `jane.roe@example.com`.
"""

from __future__ import annotations

import attrs

from cims.domain.customer import Customer
from cims.domain.errors import InvalidInput
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
