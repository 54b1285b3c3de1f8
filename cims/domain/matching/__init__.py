"""Duplicate detection for person records: blocking, Fellegi-Sunter scoring,
grouping with evidence. Pure: callers bring the records and the settings."""

from .blocking import RuleReport
from .comparison import ComparisonField, comparison_fields
from .engine import find_duplicates, score_pair
from .model import FieldParameters, ModelParameters, default_parameters
from .record import PersonRecord
from .results import (
    DedupResult,
    DedupStats,
    DuplicateGroup,
    FieldEvidence,
    MatchEvidence,
    PairDecision,
)
from .settings import MatchSettings, MatchSettingsError

__all__ = [
    "ComparisonField",
    "DedupResult",
    "DedupStats",
    "DuplicateGroup",
    "FieldEvidence",
    "FieldParameters",
    "MatchEvidence",
    "MatchSettings",
    "MatchSettingsError",
    "ModelParameters",
    "PairDecision",
    "PersonRecord",
    "RuleReport",
    "comparison_fields",
    "default_parameters",
    "find_duplicates",
    "score_pair",
]
