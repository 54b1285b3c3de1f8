"""Golden records: a customer's values chosen field by field from its sources."""

from .golden import GoldenRecord, SourceRef, golden_record
from .rules import DEFAULT_RULES, Rule, SurvivorshipRules

__all__ = [
    "DEFAULT_RULES",
    "GoldenRecord",
    "Rule",
    "SourceRef",
    "SurvivorshipRules",
    "golden_record",
]
