"""Survivorship rules: per field, which source's value wins, declared as data."""

from __future__ import annotations

from typing import Literal

import attrs

from cims.domain.errors import InvalidInput

# verified: values a source sent with kycStatus "Verified" beat the others.
# trusted:  the source earliest in `trust_order` wins; unnamed sources last.
# recent:   the most recently received value wins.
Rule = Literal["verified", "trusted", "recent"]
RULES: tuple[Rule, ...] = ("verified", "trusted", "recent")

# The profile fields a golden record is made of, in document names.
FIELDS = (
    "firstName",
    "lastName",
    "email",
    "phone",
    "address",
    "postalAddress",
    "dateOfBirth",
    "nationality",
    "preferences",
    "accounts",
)
IDENTITY_FIELDS = ("firstName", "lastName", "dateOfBirth", "nationality")


class SurvivorshipError(InvalidInput):
    """A survivorship rule set names an unknown rule or field."""


@attrs.frozen
class SurvivorshipRules:
    """Rule chains per field; each rule narrows the candidates, in order.

    Whatever is left after the chain is decided by receipt time, then source
    name and key, so the result never depends on the order sources arrived.
    Accounts are never chosen between: every source's accounts are kept, one
    per account id, the winning source's first.
    """

    trust_order: tuple[str, ...] = ("kyc", "core-banking", "api")
    identity: tuple[Rule, ...] = ("verified", "trusted", "recent")
    contact: tuple[Rule, ...] = ("recent", "trusted")
    overrides: tuple[tuple[str, tuple[Rule, ...]], ...] = ()
    version: str = "2026.12.1"

    def __attrs_post_init__(self) -> None:
        for field, chain in self.overrides:
            if field not in FIELDS:
                msg = f"overrides: expected one of {', '.join(FIELDS)}, got {field!r}"
                raise SurvivorshipError(msg)
            for rule in chain:
                if rule not in RULES:
                    msg = f"{field}: expected rules from {RULES}, got {rule!r}"
                    raise SurvivorshipError(msg)

    def chain(self, field: str) -> tuple[Rule, ...]:
        for name, chain in self.overrides:
            if name == field:
                return chain
        return self.identity if field in IDENTITY_FIELDS else self.contact

    def trust(self, source: str) -> int:
        try:
            return self.trust_order.index(source)
        except ValueError:
            return len(self.trust_order)


DEFAULT_RULES = SurvivorshipRules()
