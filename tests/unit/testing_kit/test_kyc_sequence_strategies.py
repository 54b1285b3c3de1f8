"""KYC command and event strategies: legal paths, rules kept under any order."""

from __future__ import annotations

from hypothesis import given, settings

from cims import build_core, screening_against
from cims.domain.kyc import allowed_from
from cims.domain.values import KycStatus
from cims.testing.doubles import FixedClock, SequentialIds
from cims.testing.kyc_sequences import (
    kyc_command_sequences,
    kyc_status_events,
    run_kyc_commands,
)
from tests.support.kyc import WATCHLIST


@given(kyc_status_events())
def test_status_events_walk_the_kyc_state_machine_from_pending(messages):
    status = KycStatus.PENDING
    for message in messages:
        assert message["event"] == "KYC_STATUS_CHANGED"
        assert message["from"] == status.value
        status = KycStatus(message["to"])
        assert status in allowed_from(KycStatus(message["from"]))
    assert len({m["eventId"] for m in messages}) == len(messages)


@settings(max_examples=30, deadline=None)
@given(kyc_command_sequences(names=[("Jane", "Roe"), ("Zoran", "Drakovic")]))
def test_no_command_sequence_verifies_a_customer_with_an_open_hit(commands):
    # A customer already Verified keeps the status when a later screening
    # finds them (the hit stays open for officers); what must never happen is
    # a move *to* Verified while a hit is open.
    clock = FixedClock()
    core = build_core(
        screener=screening_against(WATCHLIST), clock=clock, ids=SequentialIds()
    )
    customer_id = core.customers.register(
        {"firstName": "Jane", "lastName": "Roe"}
    ).customer_id
    before = KycStatus.PENDING

    # One command at a time, so the hits checked are those at that moment: a
    # hit found by a later rename must not be blamed on an earlier decision.
    for command in commands:
        [outcome] = run_kyc_commands(core, customer_id, [command], clock)
        became_verified = (
            outcome.status is KycStatus.VERIFIED and before is not KycStatus.VERIFIED
        )
        if became_verified:
            open_hits = [
                h for h in core.kyc.hits(customer_id) if h.status.value == "open"
            ]
            assert not open_hits, outcome
        before = outcome.status
