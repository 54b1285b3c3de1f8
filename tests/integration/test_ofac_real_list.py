"""The real OFAC SDN files load whole and screen as expected."""

import os
from pathlib import Path

import pytest

from cims.adapters.sanctions.ofac_csv import OfacCsvSanctionsList
from cims.domain.screening import EntryType, ScreeningIndex, ScreeningSubject

REPO = Path(__file__).resolve().parents[2]
SANCTIONS_DIR = Path(
    os.environ.get(
        "CIMS_SANCTIONS_DIR", REPO.parent / "shared" / "data" / "sanctions" / "ofac"
    )
)

pytestmark = pytest.mark.skipif(
    not (SANCTIONS_DIR / "sdn.csv").exists(),
    reason=f"no OFAC SDN files at {SANCTIONS_DIR} (set CIMS_SANCTIONS_DIR)",
)


@pytest.fixture(scope="module")
def sdn():
    return OfacCsvSanctionsList(SANCTIONS_DIR)


def test_the_real_list_loads_without_losing_complete_lines(sdn):
    entries = sdn.entries()
    individuals = [e for e in entries if e.entry_type is EntryType.INDIVIDUAL]

    assert len(entries) > 5000
    assert len(individuals) > 3000
    assert sdn.report.aliases > 5000
    assert sdn.report.addresses > 5000
    assert sum(sdn.report.skipped.values()) <= 3


def test_most_listed_individuals_have_a_parsed_date_of_birth(sdn):
    individuals = [e for e in sdn.entries() if e.entry_type is EntryType.INDIVIDUAL]

    with_dob = sum(1 for e in individuals if e.birth_dates)

    assert with_dob / len(individuals) > 0.8


@pytest.mark.slow
def test_every_listed_individual_hits_itself_by_its_primary_name(sdn):
    entries = sdn.entries()
    index = ScreeningIndex(entries, list_version=sdn.version())
    individuals = [e for e in entries if e.entry_type is EntryType.INDIVIDUAL]

    missed = [
        e.primary_name
        for e in individuals
        if e.uid
        not in {
            h.entry_uid for h in index.screen(ScreeningSubject(e.primary_name)).hits
        }
    ]

    assert missed == []
