"""The KYC case: one customer's verification, its evidence, hits and audit trail.

A case is its own aggregate beside the customer, stored as a plain document
(see `codec.py`). Every function here returns a new case; a transition also
returns the one `KycStatusChanged` event that announces it, and appends the
matching audit entry, so the trail and the events cannot drift apart.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib

import attrs

from cims.domain.customer import CustomerProfile
from cims.domain.errors import (
    FieldError,
    InvalidInput,
    ScreeningHitNotFound,
    VerificationBlocked,
)
from cims.domain.events import KycStatusChanged
from cims.domain.kyc.evidence import (
    IdentityDocument,
    PepDeclaration,
    ProofOfAddress,
    Submission,
)
from cims.domain.kyc.policy import KycPolicy, RiskRating
from cims.domain.kyc.risk import RiskAssessment, assess_risk
from cims.domain.kyc.states import allowed_from, check_transition
from cims.domain.screening import ScreeningResult, ScreeningSubject
from cims.domain.values import KycStatus, name_key

MAX_REASON_LENGTH = 1000


class CheckKind(enum.Enum):
    IDENTITY_DOCUMENT = "identity_document"
    PROOF_OF_ADDRESS = "proof_of_address"
    SANCTIONS_SCREENING = "sanctions_screening"
    PEP_DECLARATION = "pep_declaration"


class CheckOutcome(enum.Enum):
    PASSED = "passed"
    FLAGGED = "flagged"  # done, and found something an officer must look at
    FAILED = "failed"


class HitStatus(enum.Enum):
    OPEN = "open"
    CLEARED = "cleared"


@attrs.frozen
class Check:
    """One check performed on the customer, and what it found."""

    kind: CheckKind
    outcome: CheckOutcome
    performed_at: dt.datetime
    actor: str
    detail: str


@attrs.frozen
class Clearance:
    """An officer's finding that a hit is a false positive.

    It is remembered for the list entry as it stood (`entry_fingerprint`) and
    the customer as screened (`subject_fingerprint`): when either changes, the
    same entry raises a fresh, open hit.
    """

    list_name: str
    entry_uid: str
    entry_fingerprint: str
    subject_fingerprint: str
    actor: str
    cleared_at: dt.datetime
    reason: str

    def covers(self, hit: RecordedHit) -> bool:
        return (
            self.list_name == hit.list_name
            and self.entry_uid == hit.entry_uid
            and self.entry_fingerprint == hit.entry_fingerprint
            and self.subject_fingerprint == hit.subject_fingerprint
        )


@attrs.frozen
class RecordedHit:
    """A screening hit as the case keeps it, with its review status."""

    hit_id: str
    list_name: str
    entry_uid: str
    matched_name: str
    matched_on: str
    score: float
    explanation: tuple[str, ...]
    entry_fingerprint: str
    subject_fingerprint: str
    screened_at: dt.datetime
    status: HitStatus = HitStatus.OPEN
    clearance: Clearance | None = None

    def describe(self) -> str:
        return (
            f"{self.hit_id} ({self.list_name} entry {self.entry_uid} "
            f"{self.matched_name!r}, score {self.score:.2f})"
        )


@attrs.frozen
class ScreeningRecord:
    """The latest screening: when, against which list version, with what result."""

    screened_at: dt.datetime
    list_version: str
    threshold: float
    subject_fingerprint: str
    error: str | None = None


@attrs.frozen
class AuditEntry:
    """One transition: who moved the case, when, why, and the event announcing it."""

    from_status: KycStatus
    to_status: KycStatus
    actor: str
    at: dt.datetime
    reason: str
    event_id: str


@attrs.frozen
class KycCase:
    customer_id: str
    status: KycStatus
    opened_at: dt.datetime
    updated_at: dt.datetime
    version: int = 1
    documents: tuple[IdentityDocument, ...] = ()
    proof_of_address: ProofOfAddress | None = None
    pep_declaration: PepDeclaration | None = None
    checks: tuple[Check, ...] = ()
    hits: tuple[RecordedHit, ...] = ()
    clearances: tuple[Clearance, ...] = ()
    screening: ScreeningRecord | None = None
    risk: RiskAssessment | None = None
    next_review_on: dt.date | None = None
    history: tuple[AuditEntry, ...] = ()

    @property
    def subject(self) -> str:
        return f"KYC of customer {self.customer_id}"

    @property
    def open_hits(self) -> tuple[RecordedHit, ...]:
        return tuple(hit for hit in self.hits if hit.status is HitStatus.OPEN)

    @property
    def cleared_hits(self) -> tuple[RecordedHit, ...]:
        return tuple(hit for hit in self.hits if hit.status is HitStatus.CLEARED)

    def hit(self, hit_id: str) -> RecordedHit:
        for hit in self.hits:
            if hit.hit_id == hit_id:
                return hit
        raise ScreeningHitNotFound(self.customer_id, hit_id)


def open_case(customer_id: str, status: KycStatus, now: dt.datetime) -> KycCase:
    """A new case; `status` is Pending except for customers that predate KYC."""
    return KycCase(customer_id, status, opened_at=now, updated_at=now)


def screening_subject(profile: CustomerProfile) -> ScreeningSubject:
    return ScreeningSubject(
        given_names=profile.first_name,
        family_name=profile.last_name,
        date_of_birth=profile.date_of_birth,
        nationality=profile.nationality,
    )


def subject_fingerprint(profile: CustomerProfile) -> str:
    """A digest of what screening looks at: the name, date of birth, nationality.

    Compared in normalised form, so re-typing the same name with other case or
    spacing does not re-open hits an officer already cleared.
    """
    born = profile.date_of_birth.isoformat() if profile.date_of_birth else ""
    parts = (
        name_key(profile.first_name),
        name_key(profile.last_name),
        born,
        profile.nationality or "",
    )
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:16]


def hit_id(list_name: str, entry_uid: str) -> str:
    """Stable per list entry, so the same hit keeps its id across screenings."""
    return hashlib.sha256(f"{list_name}\0{entry_uid}".encode()).hexdigest()[:12]


def record_submission(
    case: KycCase,
    submission: Submission,
    actor: str,
    now: dt.datetime,
) -> KycCase:
    """Take in new evidence; each piece is checked and the check recorded.

    Documents in a submission replace the earlier ones; proof of address and
    the PEP declaration replace theirs when given.
    """
    today = now.date()
    checks = list(case.checks)
    for document in submission.documents:
        if document.expired(today):
            outcome = CheckOutcome.FAILED
            detail = f"{document.describe()} expired on {document.expires_on}"
        else:
            outcome = CheckOutcome.PASSED
            until = document.expires_on or "no expiry date given"
            detail = f"{document.describe()} valid until {until}"
        checks.append(Check(CheckKind.IDENTITY_DOCUMENT, outcome, now, actor, detail))

    proof = submission.proof_of_address
    if proof is not None:
        issued = f", issued {proof.issued_on}" if proof.issued_on else ""
        checks.append(
            Check(
                CheckKind.PROOF_OF_ADDRESS,
                CheckOutcome.PASSED,
                now,
                actor,
                f"{proof.kind}{issued}",
            )
        )
    pep = submission.pep_declaration
    if pep is not None:
        checks.append(
            Check(
                CheckKind.PEP_DECLARATION,
                CheckOutcome.FLAGGED if pep.is_pep else CheckOutcome.PASSED,
                now,
                actor,
                "declared a politically exposed person"
                if pep.is_pep
                else "declared not to be a politically exposed person",
            )
        )

    return attrs.evolve(
        case,
        documents=submission.documents or case.documents,
        proof_of_address=proof or case.proof_of_address,
        pep_declaration=pep or case.pep_declaration,
        checks=tuple(checks),
        updated_at=now,
    )


def record_screening(
    case: KycCase,
    result: ScreeningResult,
    fingerprint: str,
    actor: str,
    now: dt.datetime,
) -> KycCase:
    """Replace the hits with this screening's; remembered clearances still hold."""
    hits = []
    for found in result.hits:
        hit = RecordedHit(
            hit_id=hit_id(found.list_name, found.entry_uid),
            list_name=found.list_name,
            entry_uid=found.entry_uid,
            matched_name=found.matched_name,
            matched_on=found.matched_on.value,
            score=found.score,
            explanation=found.explanation,
            entry_fingerprint=found.entry_fingerprint,
            subject_fingerprint=fingerprint,
            screened_at=now,
        )
        clearance = next((c for c in case.clearances if c.covers(hit)), None)
        if clearance is not None:
            hit = attrs.evolve(hit, status=HitStatus.CLEARED, clearance=clearance)
        hits.append(hit)

    open_count = sum(hit.status is HitStatus.OPEN for hit in hits)
    version = result.list_version or "unversioned"
    detail = (
        f"screened against list version {version} at threshold "
        f"{result.threshold:.2f}: {len(hits)} hit(s), {open_count} open"
    )
    outcome = CheckOutcome.FLAGGED if open_count else CheckOutcome.PASSED
    return attrs.evolve(
        case,
        hits=tuple(hits),
        screening=ScreeningRecord(now, version, result.threshold, fingerprint),
        checks=(
            *case.checks,
            Check(CheckKind.SANCTIONS_SCREENING, outcome, now, actor, detail),
        ),
        updated_at=now,
    )


def record_screening_failure(
    case: KycCase, error: str, fingerprint: str, actor: str, now: dt.datetime
) -> KycCase:
    """Screening could not run; the case cannot be verified until it does.

    LIMITATION: the screening core cannot yet read names written only in
    non-Latin scripts (Cyrillic, Arabic, CJK), so such customers stay
    unverifiable until it transliterates them or their name is entered in
    Latin script as well.
    """
    return attrs.evolve(
        case,
        hits=(),
        screening=ScreeningRecord(now, "", 0.0, fingerprint, error),
        checks=(
            *case.checks,
            Check(
                CheckKind.SANCTIONS_SCREENING,
                CheckOutcome.FAILED,
                now,
                actor,
                f"screening could not run: {error}",
            ),
        ),
        updated_at=now,
    )


def clear_hit(
    case: KycCase, cleared_id: str, actor: str, reason: str, now: dt.datetime
) -> KycCase:
    """Mark a hit a false positive and remember that for later screenings.

    Clearing a hit that is already cleared changes nothing.

    Raises:
        ScreeningHitNotFound: the case has no hit with that id.
        InvalidInput: the reason is blank.
    """
    reason = require_reason(reason)
    hit = case.hit(cleared_id)
    if hit.status is HitStatus.CLEARED:
        return case

    clearance = Clearance(
        hit.list_name,
        hit.entry_uid,
        hit.entry_fingerprint,
        hit.subject_fingerprint,
        actor,
        now,
        reason,
    )
    hits = tuple(
        attrs.evolve(h, status=HitStatus.CLEARED, clearance=clearance)
        if clearance.covers(h)
        else h
        for h in case.hits
    )
    return attrs.evolve(
        case, hits=hits, clearances=(*case.clearances, clearance), updated_at=now
    )


def reassess_risk(
    case: KycCase, profile: CustomerProfile, policy: KycPolicy
) -> KycCase:
    risk = assess_risk(
        profile,
        case.documents,
        case.pep_declaration,
        open_hits=len(case.open_hits),
        cleared_hits=len(case.cleared_hits),
        policy=policy,
    )
    return case if risk == case.risk else attrs.evolve(case, risk=risk)


def verification_blockers(
    case: KycCase, policy: KycPolicy, today: dt.date
) -> tuple[str, ...]:
    """Every reason the case cannot be Verified today; empty when it can."""
    blockers = []
    screening = case.screening
    if screening is None:
        blockers.append("sanctions screening has not run")
    elif screening.error is not None:
        blockers.append(f"sanctions screening could not run: {screening.error}")
    blockers.extend(
        f"screening hit {hit.describe()} is not cleared" for hit in case.open_hits
    )
    blockers.extend(
        f"{document.describe()} expired on {document.expires_on}"
        for document in case.documents
        if document.expired(today)
    )
    if policy.require_identity_document and not any(
        not document.expired(today) for document in case.documents
    ):
        blockers.append("the policy requires an identity document")
    if policy.require_proof_of_address and case.proof_of_address is None:
        blockers.append("the policy requires proof of address")
    return tuple(blockers)


def transition(
    case: KycCase,
    target: KycStatus,
    actor: str,
    reason: str,
    now: dt.datetime,
    event_id: str,
    policy: KycPolicy,
) -> tuple[KycCase, KycStatusChanged]:
    """Move the case to `target`, recording the audit entry and its event.

    Entering Verified sets the next review date from the risk rating; any
    other status clears it.

    Raises:
        TransitionNotAllowed: `target` may not follow the current status.
        VerificationBlocked: `target` is Verified and a rule stands in the way.
        InvalidInput: the reason is blank.
    """
    reason = require_reason(reason)
    check_transition(case.subject, case.status, target)
    next_review = None
    if target is KycStatus.VERIFIED:
        blockers = verification_blockers(case, policy, now.date())
        if blockers:
            raise VerificationBlocked(
                case.subject,
                case.status.value,
                [status.value for status in allowed_from(case.status)],
                blockers,
            )
        # Unrated cases are reviewed soonest: the cautious default.
        rating = case.risk.rating if case.risk else RiskRating.HIGH
        next_review = policy.next_review(now.date(), rating)

    entry = AuditEntry(case.status, target, actor, now, reason, event_id)
    event = KycStatusChanged(
        event_id=event_id,
        customer_id=case.customer_id,
        occurred_at=now,
        from_status=case.status.value,
        to_status=target.value,
        reason=reason,
        actor=actor,
    )
    moved = attrs.evolve(
        case,
        status=target,
        next_review_on=next_review,
        history=(*case.history, entry),
        updated_at=now,
    )
    return moved, event


def require_reason(reason: str) -> str:
    text = " ".join(reason.split()) if isinstance(reason, str) else ""
    if not text or len(text) > MAX_REASON_LENGTH:
        message = f"must be a text of 1 to {MAX_REASON_LENGTH} characters"
        raise InvalidInput(f"reason {message}", [FieldError("reason", message)])
    return text
