"""A small watch list with made-up names, and helpers for KYC tests."""

from __future__ import annotations

from typing import Any

from cims.domain.screening import EntryType, WatchlistEntry
from cims.ports.inbound.kyc import Actor

LISTED = WatchlistEntry(
    list_name="TEST-LIST",
    uid="T-1",
    entry_type=EntryType.INDIVIDUAL,
    primary_name="DRAKOVIC, Zoran Velimir",
    programs=("TEST",),
)
ALSO_LISTED = WatchlistEntry(
    list_name="TEST-LIST",
    uid="T-2",
    entry_type=EntryType.INDIVIDUAL,
    primary_name="Mirela Kastrati",
)
WATCHLIST = (LISTED, ALSO_LISTED)

OFFICER = Actor("officer-1", kyc_officer=True)
CLERK = Actor("clerk-1")

PASSPORT: dict[str, Any] = {
    "type": "passport",
    "number": "C01X00T47",
    "issuingCountry": "DE",
    "expiresOn": "2031-05-31",
}


def listed_customer(**changes: Any) -> dict[str, Any]:
    """A customer whose name is on the test list."""
    return {"firstName": "Zoran", "lastName": "Drakovic", **changes}


def submission(**changes: Any) -> dict[str, Any]:
    return {"documents": [PASSPORT], "pepDeclaration": {"isPep": False}, **changes}
