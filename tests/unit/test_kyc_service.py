"""KYC use cases over memory adapters: screening, decisions, expiry, rescreening."""

from __future__ import annotations

import attrs
import pytest

from cims.adapters.memory import MemoryEventBus, MemoryStore
from cims.domain.errors import NotPermitted, TransitionNotAllowed, VerificationBlocked
from cims.domain.values import KycStatus
from cims.ports.inbound.customers import CustomerFilters
from cims.ports.inbound.relay import EventRelay
from tests.support.customers import customer_body
from tests.support.kyc import (
    CLERK,
    LISTED,
    OFFICER,
    WATCHLIST,
    listed_customer,
    submission,
)


def kyc_events(store: MemoryStore) -> list[dict]:
    bus = MemoryEventBus()
    EventRelay(store, bus).relay_once()
    return [m for m in bus.messages() if m["event"] == "KYC_STATUS_CHANGED"]


@pytest.fixture
def verified(customers, kyc) -> str:
    customer_id = customers.register(customer_body()).customer_id
    kyc.submit(customer_id, submission(), CLERK)
    kyc.decide(customer_id, "Verified", "documents checked", OFFICER)
    return customer_id


class TestDecisions:
    def test_verifying_changes_the_customer_and_emits_one_event_per_step(
        self, customers, kyc, memory_store, verified
    ):
        events = kyc_events(memory_store)

        assert customers.get(verified).kyc_status is KycStatus.VERIFIED
        assert [(e["from"], e["to"], e["actor"], e["reason"]) for e in events] == [
            ("Pending", "InReview", "clerk-1", "evidence submitted for review"),
            ("InReview", "Verified", "officer-1", "documents checked"),
        ]
        assert [e["eventId"] for e in events] == [
            entry.event_id for entry in kyc.case(verified).history
        ]

    def test_only_an_officer_decides(self, customers, kyc):
        customer_id = customers.register(customer_body()).customer_id
        kyc.submit(customer_id, submission(), CLERK)

        with pytest.raises(NotPermitted, match="kyc:review"):
            kyc.decide(customer_id, "Verified", "ok", CLERK)

    def test_the_list_filter_follows_the_case(self, customers, verified):
        page = customers.list(CustomerFilters(kyc_status="verified"))

        assert [c.id for c in page.customers] == [verified]

    def test_a_rejected_customer_may_resubmit(self, customers, kyc):
        customer_id = customers.register(customer_body()).customer_id
        kyc.submit(customer_id, submission(), CLERK)
        kyc.decide(customer_id, "Rejected", "blurred scan", OFFICER)

        again = kyc.submit(customer_id, submission(), CLERK)

        assert again.status is KycStatus.IN_REVIEW
        assert [e.to_status for e in again.history][-1] is KycStatus.IN_REVIEW


class TestPeriodicReview:
    def test_a_due_review_expires_the_customer(
        self, customers, kyc, clock, memory_store, verified
    ):
        due = kyc.case(verified).next_review_on
        clock.advance(days=(due - clock.now().date()).days)

        assert kyc.expire_due_reviews() == [verified]
        assert customers.get(verified).kyc_status is KycStatus.EXPIRED
        assert kyc_events(memory_store)[-1]["reason"] == (
            f"periodic review was due on {due.isoformat()}"
        )

    def test_a_review_not_yet_due_leaves_the_customer_verified(
        self, kyc, clock, verified
    ):
        clock.advance(days=365)

        assert kyc.expire_due_reviews() == []
        assert kyc.case(verified).status is KycStatus.VERIFIED

    def test_an_expired_customer_goes_back_to_review_on_resubmission(
        self, kyc, clock, verified
    ):
        clock.advance(days=5 * 366)
        kyc.expire_due_reviews()

        assert kyc.submit(verified, submission(), CLERK).status is (KycStatus.IN_REVIEW)


class TestScreening:
    def test_registration_records_hits_in_the_case(self, customers, kyc):
        customer_id = customers.register(listed_customer()).customer_id

        [hit] = kyc.hits(customer_id)
        assert (hit.entry_uid, hit.status.value) == ("T-1", "open")

    def test_an_uncleared_hit_refuses_an_attestation_by_put(self, customers):
        customer_id = customers.register(listed_customer()).customer_id

        with pytest.raises(VerificationBlocked):
            customers.replace(
                customer_id, listed_customer(kycStatus="Verified"), actor=OFFICER
            )
        assert customers.get(customer_id).kyc_status is KycStatus.PENDING

    def test_a_list_reload_and_rescreen_finds_a_newly_listed_customer(
        self, customers, kyc, watchlist, screener
    ):
        customer_id = customers.register(customer_body()).customer_id
        newly = attrs.evolve(LISTED, uid="T-9", primary_name="ROE, Jane")

        watchlist.replace([*WATCHLIST, newly])
        assert screener.refresh()
        report = kyc.rescreen_all()

        assert (report.screened, report.with_open_hits) == (1, 1)
        assert [h.entry_uid for h in kyc.hits(customer_id)] == ["T-9"]

    def test_a_cleared_hit_returns_when_the_listing_changes(
        self, customers, kyc, watchlist, screener
    ):
        customer_id = customers.register(listed_customer()).customer_id
        [hit] = kyc.hits(customer_id)
        kyc.clear_hit(customer_id, hit.hit_id, "born 30 years apart", OFFICER)

        unchanged = kyc.screen(customer_id)
        watchlist.replace([attrs.evolve(LISTED, remarks="DOB 1980"), *WATCHLIST[1:]])
        screener.refresh()
        changed = kyc.screen(customer_id)

        assert unchanged.open_hits == ()
        assert [h.hit_id for h in changed.open_hits] == [hit.hit_id]

    def test_a_verified_case_cannot_be_resubmitted(self, kyc, verified):
        with pytest.raises(TransitionNotAllowed):
            kyc.submit(verified, submission(), CLERK)


def test_a_name_screening_cannot_read_blocks_verification_with_the_reason(
    customers, kyc
):
    customer_id = customers.register(
        {"firstName": "Дмитрий", "lastName": "Иванов"}
    ).customer_id
    kyc.submit(customer_id, submission(), CLERK)

    with pytest.raises(VerificationBlocked, match="screening could not run"):
        kyc.decide(customer_id, "Verified", "ok", OFFICER)
    assert kyc.case(customer_id).checks[0].outcome.value == "failed"
