"""The KYC domain: states, evidence, risk rules, verification rules and codec."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cims.domain.customer import Account, AccountType, CustomerProfile
from cims.domain.errors import InvalidInput, TransitionNotAllowed, VerificationBlocked
from cims.domain.kyc import (
    DocumentType,
    IdentityDocument,
    KycPolicy,
    PepDeclaration,
    RiskRating,
    Submission,
    assess_risk,
    clear_hit,
    kyc_case_document,
    mask_number,
    open_case,
    path_to,
    read_kyc_case,
    read_submission,
    record_screening,
    record_submission,
    screening_subject,
    subject_fingerprint,
    transition,
    verification_blockers,
)
from cims.domain.kyc.policy import add_months
from cims.domain.kyc.states import TRANSITIONS
from cims.domain.screening import ScreeningIndex
from cims.domain.values import KycStatus
from tests.support.kyc import PASSPORT, WATCHLIST

NOW = dt.datetime(2026, 1, 15, 9, 30, tzinfo=dt.UTC)
POLICY = KycPolicy()
PROFILE = CustomerProfile("Jane", "Roe")
LISTED = CustomerProfile("Zoran", "Drakovic")
INDEX = ScreeningIndex(WATCHLIST, list_version="v1")


def screened(profile: CustomerProfile = PROFILE, case=None):
    case = case or open_case("c-1", KycStatus.PENDING, NOW)
    result = INDEX.screen(screening_subject(profile))
    return record_screening(case, result, subject_fingerprint(profile), "cims", NOW)


def move(case, target, reason="because"):
    return transition(case, target, "officer", reason, NOW, f"e-{target.value}", POLICY)


class TestStates:
    @pytest.mark.parametrize("current", list(KycStatus))
    @pytest.mark.parametrize("target", list(KycStatus))
    def test_only_the_listed_transitions_are_allowed(self, current, target):
        case = screened(case=open_case("c-1", current, NOW))

        if target in TRANSITIONS[current]:
            moved, event = move(case, target)
            assert (moved.status, event.from_status, event.to_status) == (
                target,
                current.value,
                target.value,
            )
        else:
            with pytest.raises(TransitionNotAllowed) as refused:
                move(case, target)
            assert refused.value.allowed == tuple(s.value for s in TRANSITIONS[current])

    def test_an_attestation_passes_through_in_review_only(self):
        assert path_to(KycStatus.PENDING, KycStatus.VERIFIED) == (
            KycStatus.IN_REVIEW,
            KycStatus.VERIFIED,
        )
        assert path_to(KycStatus.REJECTED, KycStatus.VERIFIED) == (
            KycStatus.IN_REVIEW,
            KycStatus.VERIFIED,
        )
        with pytest.raises(TransitionNotAllowed):
            path_to(KycStatus.VERIFIED, KycStatus.REJECTED)

    def test_every_transition_appends_one_audit_entry_tied_to_its_event(self):
        case = screened()

        case, first = move(case, KycStatus.IN_REVIEW, "documents in")
        case, second = move(case, KycStatus.VERIFIED, "all good")

        assert [
            (e.from_status, e.to_status, e.reason, e.event_id) for e in case.history
        ] == [
            (KycStatus.PENDING, KycStatus.IN_REVIEW, "documents in", first.event_id),
            (KycStatus.IN_REVIEW, KycStatus.VERIFIED, "all good", second.event_id),
        ]

    def test_a_blank_reason_is_refused(self):
        with pytest.raises(InvalidInput, match="reason"):
            move(screened(), KycStatus.IN_REVIEW, "   ")


class TestVerificationRules:
    def test_an_unscreened_case_cannot_be_verified(self):
        case = open_case("c-1", KycStatus.IN_REVIEW, NOW)

        with pytest.raises(VerificationBlocked, match="screening has not run"):
            move(case, KycStatus.VERIFIED)

    def test_an_open_hit_blocks_and_its_clearance_unblocks(self):
        case = screened(LISTED, open_case("c-1", KycStatus.IN_REVIEW, NOW))
        [hit] = case.open_hits

        with pytest.raises(VerificationBlocked) as blocked:
            move(case, KycStatus.VERIFIED)
        cleared = clear_hit(case, hit.hit_id, "officer", "other person", NOW)

        assert "not cleared" in blocked.value.reasons[0]
        assert move(cleared, KycStatus.VERIFIED)[0].status is KycStatus.VERIFIED

    def test_a_clearance_holds_until_the_customer_changes(self):
        case = screened(LISTED, open_case("c-1", KycStatus.IN_REVIEW, NOW))
        case = clear_hit(case, case.hits[0].hit_id, "officer", "other person", NOW)

        again = screened(LISTED, case)
        renamed = screened(
            CustomerProfile("Zoran", "Drakovic", date_of_birth=dt.date(1970, 1, 1)),
            case,
        )

        assert again.open_hits == ()
        assert len(renamed.open_hits) == 1

    def test_an_expired_document_blocks_and_is_named_masked(self):
        old = IdentityDocument(
            DocumentType.PASSPORT, "X1234567", "DE", dt.date(2025, 12, 31)
        )
        case = record_submission(screened(), Submission((old,)), "clerk", NOW)

        assert verification_blockers(case, POLICY, NOW.date()) == (
            "passport ****4567 issued by DE expired on 2025-12-31",
        )

    def test_the_policy_can_require_evidence(self):
        strict = KycPolicy(
            require_identity_document=True, require_proof_of_address=True
        )

        assert verification_blockers(screened(), strict, NOW.date()) == (
            "the policy requires an identity document",
            "the policy requires proof of address",
        )
        assert verification_blockers(screened(), POLICY, NOW.date()) == ()


class TestRisk:
    def test_a_plain_customer_is_low_risk(self):
        risk = assess_risk(PROFILE, (), None, 0, 0, POLICY)

        assert risk.rating is RiskRating.LOW
        assert risk.reasons == ("no risk factor found",)

    def test_each_rule_gives_its_reason_and_the_highest_rating_wins(self):
        profile = CustomerProfile(
            "Jane",
            "Roe",
            nationality="IR",
            accounts=(Account("A-1", AccountType.INVESTMENT, "EUR"),),
        )

        risk = assess_risk(profile, (), PepDeclaration(True), 0, 1, POLICY)

        assert risk.rating is RiskRating.HIGH
        assert risk.reasons == (
            "nationality IR is on the high-risk list",
            "declared a politically exposed person",
            "1 screening hit(s) cleared as false positives",
            "holds higher-risk products: investment",
        )

    def test_the_high_risk_list_is_configurable(self):
        profile = CustomerProfile("Jane", "Roe", nationality="IR")
        lenient = KycPolicy(high_risk_countries=frozenset({"KP"}))

        assert assess_risk(profile, (), None, 0, 0, lenient).rating is RiskRating.LOW

    @pytest.mark.parametrize(
        ("rating", "expected"),
        [
            (RiskRating.HIGH, dt.date(2027, 1, 31)),
            (RiskRating.MEDIUM, dt.date(2028, 1, 31)),
            (RiskRating.LOW, dt.date(2031, 1, 31)),
        ],
    )
    def test_the_review_interval_follows_the_rating(self, rating, expected):
        assert POLICY.next_review(dt.date(2026, 1, 31), rating) == expected

    @given(st.dates(), st.integers(0, 240))
    def test_adding_months_lands_in_the_right_month(self, day, months):
        if day.year > 9000:
            return
        later = add_months(day, months)

        assert (later.year * 12 + later.month) - (day.year * 12 + day.month) == months
        assert later.day <= day.day


class TestEvidence:
    @given(st.text(min_size=1, max_size=40))
    def test_a_masked_number_never_shows_more_than_four_characters(self, number):
        masked = mask_number(number)

        assert masked.startswith("****")
        assert len(masked) <= 8

    def test_a_submission_is_read_with_every_error_named(self):
        with pytest.raises(InvalidInput) as invalid:
            read_submission(
                {
                    "documents": [
                        {**PASSPORT, "issuingCountry": "Atlantis", "expiresOn": "soon"}
                    ],
                    "pepDeclaration": {"isPep": "no"},
                }
            )

        assert {e.field for e in invalid.value.errors} == {
            "documents[0].issuingCountry",
            "documents[0].expiresOn",
            "pepDeclaration",
        }

    def test_a_document_repr_masks_the_number(self):
        document = read_submission({"documents": [PASSPORT]}).documents[0]

        assert PASSPORT["number"] not in repr(document)


class TestCodec:
    def test_a_full_case_survives_the_round_trip(self):
        case = record_submission(
            screened(LISTED),
            read_submission(_full_submission()),
            "clerk",
            NOW,
        )
        case = clear_hit(case, case.hits[0].hit_id, "officer", "not them", NOW)
        case, _ = move(case, KycStatus.IN_REVIEW)
        case, _ = move(case, KycStatus.VERIFIED)

        assert read_kyc_case(kyc_case_document(case)) == case

    def test_the_document_is_plain_json(self):
        import json

        document = kyc_case_document(screened(LISTED))

        assert json.loads(json.dumps(document)) == document


def _full_submission():
    return {
        "documents": [PASSPORT],
        "proofOfAddress": {"kind": "utility bill", "issuedOn": "2025-12-01"},
        "pepDeclaration": {"isPep": False},
    }
