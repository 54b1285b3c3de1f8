"""Customers imported by the sync job are screened against the deployment's list."""

from __future__ import annotations

from pathlib import Path

from cims.adapters.files.feeds import FolderInbox
from cims.domain.screening import ScreeningIndex
from cims.domain.source_feeds import parse_sources
from cims.ports.inbound.jobs.sync import SyncJob
from cims.ports.inbound.kyc import KycWorkflow
from tests.support.jobs import CRM_MAPPING, MemoryJobs, crm_row, write_csv
from tests.support.kyc import WATCHLIST


def test_an_imported_customer_on_the_sanctions_list_gets_an_open_hit(
    tmp_path: Path,
) -> None:
    jobs = MemoryJobs()
    write_csv(
        tmp_path / "crm-1.csv",
        [crm_row(1, first_name="Zoran", surname="Drakovic"), crm_row(2)],
    )
    workflow = KycWorkflow(
        jobs.clock, jobs.ids, ScreeningIndex(list(WATCHLIST), list_version="test")
    )
    job = SyncJob(
        parse_sources({"sources": [CRM_MAPPING]}),
        FolderInbox(tmp_path),
        jobs.source_records,
        jobs.store.unit_of_work,
        jobs.clock,
        jobs.ids,
        kyc=workflow,
    )

    run = jobs.runner().run(job)

    assert run.counts == {"read": 2, "created": 2}
    with jobs.store.unit_of_work() as uow:
        cases = {
            customer.profile.last_name: uow.kyc.get(customer.id)
            for customer in jobs.store.customers.values()
        }
    assert cases["Drakovic"].open_hits
    assert not any(case.open_hits for name, case in cases.items() if name != "Drakovic")
