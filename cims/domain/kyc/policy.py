"""KYC policy: what verification requires, what counts as risky, how often to review.

Policy is configuration, not code: a bank sets it per deployment. The default
requires neither an identity document nor proof of address, so clients that
verified customers before the KYC workflow existed keep working.
"""

from __future__ import annotations

import datetime as dt
import enum

import attrs

from cims.domain.customer import AccountType
from cims.domain.errors import FieldError, InvalidInput

# FATF public statements of February 2025: the three jurisdictions under a call
# for action, then those under increased monitoring.
# LIMITATION: a snapshot. The lists change three times a year; a deployment
# keeps them current through configuration (CIMS_KYC_HIGH_RISK_COUNTRIES).
FATF_CALL_FOR_ACTION = frozenset({"KP", "IR", "MM"})
FATF_INCREASED_MONITORING = frozenset(
    {
        "DZ",
        "AO",
        "BG",
        "BF",
        "CM",
        "CI",
        "HR",
        "CD",
        "HT",
        "KE",
        "LA",
        "LB",
        "ML",
        "MC",
        "MZ",
        "NA",
        "NP",
        "NG",
        "ZA",
        "SS",
        "SY",
        "TZ",
        "VE",
        "VN",
        "YE",
    }
)
DEFAULT_HIGH_RISK_COUNTRIES = FATF_CALL_FOR_ACTION | FATF_INCREASED_MONITORING

# Products through which money moves at scale or on credit.
DEFAULT_HIGHER_RISK_PRODUCTS = frozenset(
    {AccountType.INVESTMENT, AccountType.CREDIT_CARD, AccountType.LOAN}
)


class RiskRating(enum.Enum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def rank(self) -> int:
        return list(RiskRating).index(self)


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if value < 1:
        raise InvalidInput(
            f"{attribute.name} must be at least 1 month; got {value}",
            [FieldError(attribute.name, "must be at least 1 month")],
        )


@attrs.frozen
class KycPolicy:
    """The rules a deployment chooses.

    `review_months_*` is how long a verification holds at each risk rating
    before the periodic review falls due.
    """

    require_identity_document: bool = False
    require_proof_of_address: bool = False
    high_risk_countries: frozenset[str] = DEFAULT_HIGH_RISK_COUNTRIES
    higher_risk_products: frozenset[AccountType] = DEFAULT_HIGHER_RISK_PRODUCTS
    review_months_high: int = attrs.field(default=12, validator=_positive)
    review_months_medium: int = attrs.field(default=24, validator=_positive)
    review_months_low: int = attrs.field(default=60, validator=_positive)

    def review_months(self, rating: RiskRating) -> int:
        return {
            RiskRating.HIGH: self.review_months_high,
            RiskRating.MEDIUM: self.review_months_medium,
            RiskRating.LOW: self.review_months_low,
        }[rating]

    def next_review(self, verified_on: dt.date, rating: RiskRating) -> dt.date:
        return add_months(verified_on, self.review_months(rating))


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the 31st becomes the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has at least 28 days")
