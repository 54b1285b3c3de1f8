"""The dedup job over stored customers."""

from __future__ import annotations

import json
from pathlib import Path

from cims.adapters.files.reports import FolderDuplicateReports
from cims.domain.jobs import JobStatus
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.jobs.dedup import DedupJob
from tests.support.jobs import MemoryJobs

PEOPLE = [
    ("Jane", "Roe", "jane.roe@example.com", "1980-04-03", "12 High St"),
    ("Jane", "Roe", "jane.roe@example.com", "1980-04-03", "12 High Street"),
    ("Jayne", "Roe", "jane.roe@example.com", "1980-04-03", "12 High St"),
    ("Omar", "Khan", "omar.k@example.org", "1975-11-30", "9 Elm Rd"),
    ("Mei", "Chen", "mei.chen@example.net", "1991-02-14", "4 Mill Lane"),
    ("Ngozi", "Okafor", "ngozi@example.com", "1969-07-01", "77 Park Ave"),
]


def test_dedup_groups_the_same_person_and_saves_a_report(tmp_path: Path) -> None:
    jobs = MemoryJobs()
    customers = CustomerService(jobs.store.unit_of_work, jobs.clock, jobs.ids)
    ids = [
        customers.register(
            {
                "firstName": first,
                "lastName": last,
                "email": email,
                "dateOfBirth": born,
                "postalAddress": {"lines": [street], "city": "London", "country": "GB"},
            }
        ).customer_id
        for first, last, email, born, street in PEOPLE
    ]

    run = jobs.runner().run(
        DedupJob(jobs.store.unit_of_work, FolderDuplicateReports(tmp_path), page_size=2)
    )

    assert run.status is JobStatus.SUCCEEDED
    assert run.counts["customers"] == 6
    (report_file,) = tmp_path.glob("dedup-*.json")
    report = json.loads(report_file.read_text())
    grouped = [set(group["customerIds"]) for group in report["groups"]]
    reviewed = [set(pair["customerIds"]) for pair in report["possibleMatches"]]
    assert any(set(ids[:2]) <= group for group in grouped)
    assert not any(ids[3] in group for group in grouped + reviewed)
