"""The cleanse job: cleansed values applied through amend, flags reported."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cims.adapters.files.reports import FolderCleansingReports
from cims.domain.cleansing import RulesVersion
from cims.domain.customer_document import request_document
from cims.domain.jobs import JobStatus
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.jobs.cleanse import (
    CLEANSE_SOURCE,
    OUTCOMES,
    CleanseJob,
    id_position,
    resume_after,
)
from cims.testing.strategies import customer_documents
from tests.support.jobs import MemoryJobs

MESSY = {
    "firstName": "jane",
    "lastName": "O'BRIEN",
    "email": "jane.obrien@example.com",
    "postalAddress": {
        "lines": ["12 HIGH STREET"],
        "city": "london",
        "postalCode": "sw1a1aa",
        "country": "GB",
    },
}
CLEAN = {
    "firstName": "Mei",
    "lastName": "Chen",
    "email": "mei.chen@example.net",
    "postalAddress": {"lines": ["4 Mill Lane"], "city": "Leeds", "country": "GB"},
}
# Valid for the API, but a person should look: born before 1900.
OLD = {"firstName": "Ada", "lastName": "Byron", "dateOfBirth": "1890-12-10"}
# A number of possible length that no region assigns: kept unverified.
ODD_PHONE = {"firstName": "Omar", "lastName": "Khan", "phone": "+999 1234 5678"}


class Setup:
    def __init__(self, tmp_path: Path) -> None:
        self.jobs = MemoryJobs()
        self.customers = CustomerService(
            self.jobs.store.unit_of_work, self.jobs.clock, self.jobs.ids
        )
        self.reports = tmp_path / "reports"

    def register(self, *documents: dict[str, Any]) -> list[str]:
        return [self.customers.register(d).customer_id for d in documents]

    def job(self, chunk_size: int = 2, customers: CustomerService | None = None):
        return CleanseJob(
            self.jobs.store.unit_of_work,
            customers or self.customers,
            FolderCleansingReports(self.reports),
            self.jobs.clock,
            RulesVersion.with_libraries({"phonenumbers": "9.9"}),
            chunk_size=chunk_size,
        )

    def run(self, **options: Any):
        return self.jobs.runner().run(self.job(**options))

    def log(self, run_id: str) -> list[dict[str, Any]]:
        path = self.reports / f"cleanse-{run_id}.jsonl"
        return [json.loads(line) for line in path.read_text().splitlines()]

    def events(self) -> list[str]:
        return [m.value["event"] for m in self.jobs.store.outbox]


def reconciles(counts: dict[str, int]) -> bool:
    return counts.get("read", 0) == sum(counts.get(o, 0) for o in OUTCOMES)


def test_cleansed_values_are_applied_through_amend_with_an_update_event(
    tmp_path: Path,
) -> None:
    setup = Setup(tmp_path)
    (messy,) = setup.register(MESSY)

    run = setup.run()

    assert run.status is JobStatus.SUCCEEDED
    assert run.counts == {"read": 1, "changed": 1, "fields_changed": 6}
    customer = setup.customers.get(messy)
    assert (customer.profile.first_name, customer.profile.last_name) == (
        "Jane",
        "O'Brien",
    )
    postal = customer.profile.postal_address
    assert postal is not None
    assert (postal.lines, postal.city, postal.postal_code) == (
        ("12 High Street",),
        "London",
        "SW1A 1AA",
    )
    # The one-line address made from the postal address follows it.
    assert customer.profile.address == "12 High Street, London, SW1A 1AA, GB"
    assert customer.version == 2
    assert setup.events()[-1] == "CUSTOMER_UPDATED"


def test_a_second_run_changes_nothing(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    setup.register(MESSY, CLEAN, OLD, ODD_PHONE)
    setup.run()
    events = setup.events()

    again = setup.run()

    assert again.counts == {"read": 4, "unchanged": 2, "flagged": 2}
    assert setup.events() == events


def test_flags_are_reported_and_not_applied(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    old, odd = setup.register(OLD, ODD_PHONE)

    run = setup.run()

    assert run.counts == {"read": 2, "flagged": 2}
    assert setup.customers.get(odd).profile.phone.entered == "+999 1234 5678"
    logged = {entry["customerId"]: entry for entry in setup.log(run.run_id)}
    assert logged[old]["fields"] == [
        {
            "field": "dateOfBirth",
            "original": "1890-12-10",
            "cleansed": "1890-12-10",
            "changes": [],
            "flags": ["implausibly_old"],
            "applied": False,
        }
    ]
    (phone,) = logged[odd]["fields"]
    assert (phone["field"], phone["applied"]) == ("phone", False)
    assert phone["flags"] in (["unparseable_phone"], ["impossible_phone"])


def test_the_log_keeps_every_original_and_cleansed_value_with_the_rules_version(
    tmp_path: Path,
) -> None:
    setup = Setup(tmp_path)
    messy, _clean = setup.register(MESSY, CLEAN)

    run = setup.run()

    (entry,) = setup.log(run.run_id)
    assert entry["customerId"] == messy
    assert entry["outcome"] == "changed"
    assert entry["rulesVersion"].endswith("(phonenumbers 9.9)")
    changed = {f["field"]: (f["original"], f["cleansed"]) for f in entry["fields"]}
    assert changed["firstName"] == ("jane", "Jane")
    assert changed["postalAddress.postalCode"] == ("sw1a1aa", "SW1A 1AA")
    assert all(f["applied"] for f in entry["fields"])
    summary = json.loads(
        (setup.reports / f"cleanse-{run.run_id}-summary.json").read_text()
    )
    assert summary["counts"]["changed"] == 1
    assert {"field": "firstName", "change": "recased", "count": 1} in summary["changes"]


def test_the_original_values_stay_in_the_customers_lineage(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    (messy,) = setup.register(MESSY)

    setup.run()

    with setup.jobs.store.unit_of_work() as uow:
        lineage = uow.lineage.get(messy)
    assert lineage is not None
    sources = {s.source: s.values for s in lineage.sources}
    assert sources["api"]["firstName"] == "jane"
    assert sources["api"]["postalAddress"]["postalCode"] == "sw1a1aa"
    assert sources[CLEANSE_SOURCE]["firstName"] == "Jane"


def test_a_stopped_run_resumes_after_the_last_customer_it_committed(
    tmp_path: Path,
) -> None:
    setup = Setup(tmp_path)
    setup.register(*[{**MESSY, "email": f"j{n}@example.com"} for n in range(5)])

    class StopAtOnce:
        def is_set(self) -> bool:
            return True

    stopped = setup.jobs.runner().run(setup.job(chunk_size=2), StopAtOnce())
    resumed = setup.run(chunk_size=2)

    assert stopped.status is JobStatus.STOPPED
    assert stopped.counts["read"] == 2
    assert resumed.status is JobStatus.SUCCEEDED
    assert resumed.counts["read"] == 5
    assert resumed.counts["changed"] == 5
    # Five customers, each changed once.
    assert setup.events().count("CUSTOMER_UPDATED") == 5


def test_a_change_made_meanwhile_is_not_overwritten(tmp_path: Path) -> None:
    setup = Setup(tmp_path)
    (messy,) = setup.register(MESSY)

    class ChangedUnderfoot(CustomerService):
        def amend(self, customer_id: str, patch: Any, *args: Any, **kw: Any) -> Any:
            if not getattr(self, "interfered", False):
                self.interfered = True
                super().amend(customer_id, {"firstName": "joan"})
            return super().amend(customer_id, patch, *args, **kw)

    racing = ChangedUnderfoot(
        setup.jobs.store.unit_of_work, setup.jobs.clock, setup.jobs.ids
    )
    run = setup.jobs.runner().run(setup.job(customers=racing))

    assert run.counts["changed"] == 1
    assert setup.customers.get(messy).profile.first_name == "Joan"


@pytest.mark.parametrize("value", [0, 1, 2**56 - 1, 2**56, 2**100 + 12345])
def test_a_checkpoint_position_never_resumes_past_the_customer_it_names(
    value: int,
) -> None:
    customer_id = str(uuid.UUID(int=value))

    after = resume_after(id_position(customer_id))

    assert after is None or uuid.UUID(after).int <= value


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_checkpoint_positions_fit_a_bigint_and_resume_at_or_before_the_id(
    value: int,
) -> None:
    customer_id = str(uuid.UUID(int=value))
    position = id_position(customer_id)

    after = resume_after(position)

    assert 0 < position < 2**63
    assert after is None or after <= customer_id


def _shout_or_whisper(document: dict[str, Any], loud: bool) -> dict[str, Any]:
    change = str.upper if loud else str.lower
    messy = {**document, "firstName": change(document["firstName"])}
    postal = document.get("postalAddress")
    if postal:
        messy["postalAddress"] = {
            **postal,
            "lines": [change(line) for line in postal["lines"]],
            "city": change(postal["city"]),
        }
    return messy


def _filled(document: dict[str, Any], path: str = "") -> set[str]:
    """The paths of every non-empty value in a document."""
    if isinstance(document, dict):
        return {
            p
            for key, value in document.items()
            for p in _filled(value, f"{path}.{key}" if path else key)
        }
    if isinstance(document, list):
        return {
            p for i, item in enumerate(document) for p in _filled(item, f"{path}[{i}]")
        }
    return set() if document in (None, "", False) else {path}


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(st.lists(st.tuples(customer_documents(), st.booleans()), min_size=1, max_size=6))
def test_cleansing_empties_no_field_reconciles_and_is_idempotent(
    tmp_path: Path, drawn: list[tuple[dict[str, Any], bool]]
) -> None:
    setup = Setup(tmp_path)
    documents = [
        _shout_or_whisper({k: v for k, v in d.items() if k != "kycStatus"}, loud)
        for d, loud in drawn
    ]
    ids = setup.register(*documents)
    before = {i: _filled(request_document(setup.customers.get(i))) for i in ids}

    first = setup.run(chunk_size=4)
    second = setup.run(chunk_size=4)

    after = {i: _filled(request_document(setup.customers.get(i))) for i in ids}
    assert all(before[i] <= after[i] for i in ids)
    assert reconciles(first.counts)
    assert first.counts["read"] == len(ids)
    assert reconciles(second.counts)
    assert second.counts.get("changed", 0) == 0
