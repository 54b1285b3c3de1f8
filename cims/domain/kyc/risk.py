"""The risk rating: explainable rules, each adding a reason and a minimum rating.

The rating is the highest any rule asks for; every rule that fired is listed,
so an officer (or an auditor) can see why a customer is rated as it is.
"""

from __future__ import annotations

import attrs

from cims.domain.customer import CustomerProfile
from cims.domain.kyc.evidence import IdentityDocument, PepDeclaration
from cims.domain.kyc.policy import KycPolicy, RiskRating


@attrs.frozen
class RiskAssessment:
    rating: RiskRating
    reasons: tuple[str, ...]


def assess_risk(
    profile: CustomerProfile,
    documents: tuple[IdentityDocument, ...],
    pep: PepDeclaration | None,
    open_hits: int,
    cleared_hits: int,
    policy: KycPolicy,
) -> RiskAssessment:
    findings: list[tuple[RiskRating, str]] = []

    countries = {
        "nationality": profile.nationality,
        "postal address": profile.postal_address.country
        if profile.postal_address
        else None,
    }
    for document in documents:
        countries[f"{document.type.value.replace('_', ' ')} issuer"] = (
            document.issuing_country
        )
    for where, country in countries.items():
        if country and country in policy.high_risk_countries:
            findings.append(
                (RiskRating.HIGH, f"{where} {country} is on the high-risk list")
            )

    if pep is not None and pep.is_pep:
        findings.append((RiskRating.HIGH, "declared a politically exposed person"))
    if open_hits:
        findings.append(
            (RiskRating.HIGH, f"{open_hits} uncleared sanctions screening hit(s)")
        )
    elif cleared_hits:
        findings.append(
            (
                RiskRating.MEDIUM,
                f"{cleared_hits} screening hit(s) cleared as false positives",
            )
        )

    risky = policy.higher_risk_products
    products = sorted({a.type.value for a in profile.accounts if a.type in risky})
    if products:
        findings.append(
            (RiskRating.MEDIUM, f"holds higher-risk products: {', '.join(products)}")
        )

    if not findings:
        return RiskAssessment(RiskRating.LOW, ("no risk factor found",))
    rating = max((rating for rating, _ in findings), key=lambda r: r.rank)
    return RiskAssessment(rating, tuple(reason for _, reason in findings))
