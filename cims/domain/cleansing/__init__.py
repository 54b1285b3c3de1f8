"""Cleansing rules for customer data: pure functions that never lose a value."""

from .addresses import (
    address_key,
    cleanse_address_line,
    cleanse_city,
    cleanse_postcode,
    postcode_key,
)
from .countries import cleanse_country, country_code
from .dates import cleanse_birth_date, parse_date
from .emails import cleanse_email, email_key
from .names import cleanse_name, name_key, recase_name
from .outcome import (
    RULES_VERSION,
    CleansingOutcome,
    CleansingReport,
    CleansingTally,
    RulesVersion,
)
from .phones import cleanse_phone, phone_key
from .record import CleansingContext, cleanse_fields

__all__ = [
    "RULES_VERSION",
    "CleansingContext",
    "CleansingOutcome",
    "CleansingReport",
    "CleansingTally",
    "RulesVersion",
    "address_key",
    "cleanse_address_line",
    "cleanse_birth_date",
    "cleanse_city",
    "cleanse_country",
    "cleanse_email",
    "cleanse_fields",
    "cleanse_name",
    "cleanse_phone",
    "cleanse_postcode",
    "country_code",
    "email_key",
    "name_key",
    "parse_date",
    "phone_key",
    "postcode_key",
    "recase_name",
]
