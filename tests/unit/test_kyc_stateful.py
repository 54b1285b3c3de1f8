"""Random sequences of KYC and customer use cases never break the KYC rules.

Whatever officers, clerks, renames, submissions, clearances, attestations by
PUT and the passing of time do, in any order:

- no customer reaches Verified while screening has not passed (an uncleared
  hit, a failed or missing screening) or an identity document has expired;
- every transition emits exactly one KYC_STATUS_CHANGED event, and the audit
  trail holds exactly one entry per event, with the same facts;
- the customer's denormalised kycStatus always equals its case's status.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    rule,
)

from cims.adapters.memory import MemoryStore
from cims.adapters.sanctions.cached import CachedScreener
from cims.adapters.sanctions.memory import InMemorySanctionsList
from cims.domain.errors import CimsError
from cims.domain.kyc import KycPolicy
from cims.domain.values import KycStatus
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.kyc import Actor, KycService, KycWorkflow
from tests.support.customers import FixedClock, SequentialIds
from tests.support.kyc import CLERK, OFFICER, PASSPORT, WATCHLIST

NAMES = st.sampled_from(
    [
        ("Jane", "Roe"),
        ("Zoran", "Drakovic"),
        ("Mirela", "Kastrati"),
        ("Zoran", "Smith"),
        ("John", "Doe"),
    ]
)
ACTORS = st.sampled_from([OFFICER, CLERK])
STATUSES = st.sampled_from([status.value for status in KycStatus])
EXPIRIES = st.sampled_from(["2020-01-01", "2026-03-01", "2040-01-01", None])


class KycWorkflowMachine(RuleBasedStateMachine):
    customer_ids = Bundle("customer_ids")

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock()
        self.store = MemoryStore()
        ids = SequentialIds()
        screener = CachedScreener(lambda: InMemorySanctionsList(WATCHLIST))
        workflow = KycWorkflow(self.clock, ids, screener, KycPolicy())
        self.customers = CustomerService(
            self.store.unit_of_work, self.clock, ids, kyc=workflow
        )
        self.kyc = KycService(self.store.unit_of_work, workflow)
        self.known: list[str] = []
        self.history_seen: dict[str, int] = {}

    # Operations. A refusal (CimsError) is a legitimate outcome of any of them;
    # the invariants check that refusals and successes alike keep the rules.

    @rule(target=customer_ids, name=NAMES, status=st.none() | STATUSES, actor=ACTORS)
    def register(self, name, status, actor: Actor):
        document = {"firstName": name[0], "lastName": name[1]}
        if status is not None:
            document["kycStatus"] = status
        try:
            customer_id = self.customers.register(document, actor=actor).customer_id
        except CimsError:
            customer_id = self.customers.register(
                {"firstName": name[0], "lastName": name[1]}
            ).customer_id
        self.known.append(customer_id)
        return customer_id

    @rule(
        customer_id=customer_ids, name=NAMES, status=st.none() | STATUSES, actor=ACTORS
    )
    def put(self, customer_id, name, status, actor: Actor):
        document = {"firstName": name[0], "lastName": name[1]}
        if status is not None:
            document["kycStatus"] = status
        self._attempt(
            lambda: self.customers.replace(customer_id, document, actor=actor)
        )

    @rule(customer_id=customer_ids, expiry=EXPIRIES, pep=st.booleans())
    def submit(self, customer_id, expiry, pep):
        body = {
            "documents": [{**PASSPORT, "expiresOn": expiry}],
            "pepDeclaration": {"isPep": pep},
        }
        self._attempt(lambda: self.kyc.submit(customer_id, body, CLERK))

    @rule(
        customer_id=customer_ids,
        decision=st.sampled_from(["Verified", "Rejected"]),
        actor=ACTORS,
    )
    def decide(self, customer_id, decision, actor: Actor):
        self._attempt(lambda: self.kyc.decide(customer_id, decision, "decided", actor))

    @rule(customer_id=customer_ids, actor=ACTORS)
    def clear_first_open_hit(self, customer_id, actor: Actor):
        hits = [h for h in self.kyc.hits(customer_id) if h.status.value == "open"]
        if hits:
            self._attempt(
                lambda: self.kyc.clear_hit(
                    customer_id, hits[0].hit_id, "not the listed person", actor
                )
            )

    @rule(customer_id=customer_ids)
    def screen(self, customer_id):
        self.kyc.screen(customer_id)

    @rule(days=st.integers(1, 2000))
    def time_passes_and_reviews_expire(self, days):
        self.clock.advance(days=days)
        self.kyc.expire_due_reviews()

    @rule(customer_id=consumes(customer_ids))
    def delete(self, customer_id):
        self.customers.remove(customer_id)
        self.known.remove(customer_id)
        self.history_seen.pop(customer_id, None)

    def _attempt(self, operation):
        with contextlib.suppress(CimsError):
            operation()

    # Invariants.

    @invariant()
    def verified_only_after_a_passed_screening(self):
        today = self.clock.now().date()
        for customer_id in self.known:
            case = self.kyc.case(customer_id)
            new_entries = case.history[self.history_seen.get(customer_id, 0) :]
            self.history_seen[customer_id] = len(case.history)
            if not new_entries or new_entries[-1].to_status is not (KycStatus.VERIFIED):
                continue
            assert case.screening is not None
            assert case.screening.error is None
            assert case.open_hits == ()
            assert not [d for d in case.documents if d.expired(today)]

    @invariant()
    def the_customer_status_mirrors_the_case(self):
        for customer_id in self.known:
            assert self.customers.get(customer_id).kyc_status == (
                self.kyc.case(customer_id).status
            )

    @invariant()
    def one_event_and_one_audit_entry_per_transition(self):
        events = [
            (
                m.value["customerId"],
                m.value["eventId"],
                m.value["from"],
                m.value["to"],
                m.value["actor"],
                m.value["reason"],
            )
            for m in self.store.outbox
            if m.value["event"] == "KYC_STATUS_CHANGED"
            and m.value["customerId"] in self.known
        ]
        trail = [
            (
                customer_id,
                e.event_id,
                e.from_status.value,
                e.to_status.value,
                e.actor,
                e.reason,
            )
            for customer_id in self.known
            for e in self.kyc.case(customer_id).history
        ]
        assert sorted(events) == sorted(trail)
        assert len({event[1] for event in events}) == len(events)

    @invariant()
    def the_audit_trail_is_a_chain_from_pending(self):
        for customer_id in self.known:
            status = KycStatus.PENDING
            for entry in self.kyc.case(customer_id).history:
                assert entry.from_status is status
                status = entry.to_status
            assert status is self.kyc.case(customer_id).status


KycWorkflowMachine.TestCase.settings = settings(
    max_examples=60,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestKycWorkflow = KycWorkflowMachine.TestCase


def test_the_machine_reaches_verified_for_a_clear_customer():
    """A sanity check that the machine's operations can verify at all."""
    machine = KycWorkflowMachine()
    customer_id = machine.register(name=("Jane", "Roe"), status=None, actor=CLERK)
    machine.submit(customer_id, expiry="2040-01-01", pep=False)
    machine.decide(customer_id, "Verified", OFFICER)

    assert machine.kyc.case(customer_id).status is KycStatus.VERIFIED
    machine.verified_only_after_a_passed_screening()
    machine.one_event_and_one_audit_entry_per_transition()
    assert dt.date(2026, 1, 15) < machine.kyc.case(customer_id).next_review_on
