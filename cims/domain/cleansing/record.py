"""Cleanse the known fields of one customer record in the right order."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs

from .addresses import cleanse_address_line, cleanse_city, cleanse_postcode
from .countries import cleanse_country
from .dates import cleanse_birth_date
from .emails import cleanse_email
from .names import NAME_FIELDS, cleanse_name
from .outcome import CleansingOutcome, RulesVersion
from .phones import DEFAULT_REGION, cleanse_phone


@attrs.frozen
class CleansingContext:
    """What the rules need from outside: today, defaults and versions."""

    today: dt.date
    default_region: str = DEFAULT_REGION
    day_first: bool = True
    version: RulesVersion = attrs.field(factory=RulesVersion)


def cleanse_fields(
    fields: Mapping[str, object], context: CleansingContext
) -> dict[str, CleansingOutcome[object]]:
    """Cleanse every known, non-empty field; unknown fields are left out.

    The country goes first because phones and postcodes are read in it.
    Empty or absent fields give no outcome (nothing to cleanse, nothing lost).
    """
    label = context.version.label()
    outcomes: dict[str, CleansingOutcome[object]] = {}

    def present(name: str) -> str | None:
        raw = fields.get(name)
        return raw if isinstance(raw, str) and raw.strip() else None

    country = None
    if (raw := present("country")) is not None:
        outcome = cleanse_country(raw)
        outcomes["country"] = outcome
        country = outcome.value if outcome.is_clean else None

    for name in NAME_FIELDS:
        if (raw := present(name)) is not None:
            outcomes[name] = cleanse_name(raw, name)
    if (raw := present("email")) is not None:
        outcomes["email"] = cleanse_email(raw)
    if (raw := present("phone")) is not None:
        outcomes["phone"] = cleanse_phone(raw, country, context.default_region)
    if (raw := present("address_line")) is not None:
        outcomes["address_line"] = cleanse_address_line(raw)
    if (raw := present("city")) is not None:
        outcomes["city"] = cleanse_city(raw)
    if (raw := present("postcode")) is not None:
        outcomes["postcode"] = cleanse_postcode(raw, country)

    birth = fields.get("date_of_birth")
    if isinstance(birth, dt.date) or (isinstance(birth, str) and birth.strip()):
        outcomes["date_of_birth"] = cleanse_birth_date(
            birth, context.today, context.day_first
        )

    return {
        name: attrs.evolve(outcome, rules_version=label)
        for name, outcome in outcomes.items()
    }
