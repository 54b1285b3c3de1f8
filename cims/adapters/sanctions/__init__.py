"""Sanctions-list adapters: the OFAC SDN CSV files and an in-memory list."""

from cims.adapters.sanctions.cached import CachedScreener
from cims.adapters.sanctions.memory import InMemorySanctionsList
from cims.adapters.sanctions.ofac_csv import OfacCsvSanctionsList

__all__ = ["CachedScreener", "InMemorySanctionsList", "OfacCsvSanctionsList"]
