"""KYC use cases: read a case, submit evidence, decide, clear hits, screen, expire.

`KycWorkflow` holds the steps that run inside a caller's unit of work, so the
customer use cases (registration, name changes, an officer's kycStatus
attestation through PUT) and the KYC use cases share one set of rules. Every
status change goes through `KycWorkflow.move`: the case transition, its audit
entry, its `KycStatusChanged` event and the customer's denormalised
`kyc_status` all change in the same unit of work.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from cims.domain.customer import Customer, CustomerProfile
from cims.domain.errors import (
    CustomerNotFound,
    FieldError,
    InvalidInput,
    NotPermitted,
)
from cims.domain.events import DomainEvent
from cims.domain.kyc import (
    KycCase,
    KycPolicy,
    RecordedHit,
    clear_hit,
    open_case,
    path_to,
    read_submission,
    reassess_risk,
    record_screening,
    record_screening_failure,
    record_submission,
    screening_subject,
    subject_fingerprint,
    transition,
)
from cims.domain.kyc.states import check_transition
from cims.domain.screening import ScreeningError
from cims.domain.values import KycStatus
from cims.ports.outbound.clock import Clock, IdFactory
from cims.ports.outbound.repositories import CustomerQuery
from cims.ports.outbound.sanctions import SanctionsScreener
from cims.ports.outbound.unit_of_work import UnitOfWork

KYC_REVIEW = "kyc:review"
ATTESTATION_REASON = "attested by a KYC officer through the customer record"
SUBMISSION_REASON = "evidence submitted for review"
DECISIONS = (KycStatus.VERIFIED, KycStatus.REJECTED)


@attrs.frozen
class Actor:
    """Who asks for a change; `kyc_officer` when they may decide on KYC."""

    name: str
    kyc_officer: bool = False


SYSTEM = Actor("cims")
SCHEDULER = Actor("cims-scheduler")


@attrs.frozen
class RescreenReport:
    screened: int
    with_open_hits: int


class KycWorkflow:
    """The KYC steps, run inside a unit of work the caller opened."""

    def __init__(
        self,
        clock: Clock,
        ids: IdFactory,
        screener: SanctionsScreener,
        policy: KycPolicy = KycPolicy(),
    ) -> None:
        self.clock = clock
        self.ids = ids
        self.screener = screener
        self.policy = policy

    def case_of(self, uow: UnitOfWork, customer: Customer) -> KycCase | None:
        """The stored case, or None for a customer that has none yet."""
        return uow.kyc.get(customer.id)

    def opened(
        self, stored: KycCase | None, customer: Customer, now: dt.datetime
    ) -> KycCase:
        # Customers that predate the KYC workflow get a case in their status.
        return stored or open_case(customer.id, customer.kyc_status, now)

    def screen(
        self,
        case: KycCase,
        profile: CustomerProfile,
        actor: Actor,
        now: dt.datetime,
        force: bool = False,
    ) -> KycCase:
        """Screen the customer unless the last screening saw the same customer
        against the same list version (the result could not differ)."""
        fingerprint = subject_fingerprint(profile)
        last = case.screening
        if (
            not force
            and last is not None
            and last.error is None
            and last.subject_fingerprint == fingerprint
            and last.list_version == (self.screener.list_version or "unversioned")
        ):
            return case

        try:
            result = self.screener.screen(screening_subject(profile))
        except ScreeningError as error:
            return record_screening_failure(
                case, str(error), fingerprint, actor.name, now
            )
        return record_screening(case, result, fingerprint, actor.name, now)

    def move(
        self,
        case: KycCase,
        profile: CustomerProfile,
        target: KycStatus,
        actor: Actor,
        reason: str,
        now: dt.datetime,
    ) -> tuple[KycCase, list[DomainEvent]]:
        """Take the case to `target`, through InReview when needed.

        Entering InReview screens the customer; entering Verified checks the
        verification rules against the case as it then stands.
        """
        events: list[DomainEvent] = []
        for status in path_to(case.status, target):
            if status is KycStatus.IN_REVIEW:
                case = self.screen(case, profile, actor, now)
            case = reassess_risk(case, profile, self.policy)
            case, event = transition(
                case,
                status,
                actor.name,
                reason,
                now,
                self.ids.new_id(),
                self.policy,
            )
            events.append(event)
        return case, events

    def require_officer(
        self, actor: Actor, current: KycStatus, target: KycStatus
    ) -> None:
        if not actor.kyc_officer:
            raise NotPermitted(
                f"changing kycStatus from {current.value} to {target.value}",
                KYC_REVIEW,
            )

    def save(
        self,
        uow: UnitOfWork,
        stored: KycCase | None,
        case: KycCase,
        profile: CustomerProfile,
    ) -> KycCase:
        """Store the case if it changed; return it as stored."""
        case = reassess_risk(case, profile, self.policy)
        if stored is None:
            case = attrs.evolve(case, version=1)
            uow.kyc.add(case)
        elif case != stored:
            case = attrs.evolve(case, version=stored.version + 1)
            uow.kyc.update(case, stored.version)
        return case

    def sync_customer(
        self, uow: UnitOfWork, customer: Customer, case: KycCase, now: dt.datetime
    ) -> Customer:
        """Bring the customer's denormalised kyc_status in line with the case."""
        if customer.kyc_status == case.status:
            return customer
        synced = attrs.evolve(
            customer,
            kyc_status=case.status,
            updated_at=now,
            version=customer.version + 1,
        )
        uow.customers.update(synced, customer.version)
        return synced


class KycService:
    """The KYC use cases; each runs in one unit of work and commits its events."""

    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], workflow: KycWorkflow
    ) -> None:
        self._unit_of_work = unit_of_work
        self.workflow = workflow

    @property
    def policy(self) -> KycPolicy:
        return self.workflow.policy

    def today(self) -> dt.date:
        return self.workflow.clock.now().date()

    def case(self, customer_id: str) -> KycCase:
        with self._unit_of_work() as uow:
            customer = _existing(uow, customer_id)
            stored = uow.kyc.get(customer_id)
            return self.workflow.opened(stored, customer, self.workflow.clock.now())

    def hits(self, customer_id: str) -> Sequence[RecordedHit]:
        return self.case(customer_id).hits

    def submit(
        self, customer_id: str, document: Mapping[str, Any], actor: Actor
    ) -> KycCase:
        """Take in evidence and put the case in review; screening runs again.

        Raises:
            InvalidInput: the submission failed validation.
            TransitionNotAllowed: the case is Verified (nothing to review).
        """
        submission = read_submission(document)

        def change(
            case: KycCase, customer: Customer, now: dt.datetime
        ) -> tuple[KycCase, list[DomainEvent]]:
            if case.status is not KycStatus.IN_REVIEW:
                check_transition(case.subject, case.status, KycStatus.IN_REVIEW)
            case = record_submission(case, submission, actor.name, now)
            if case.status is KycStatus.IN_REVIEW:
                return self.workflow.screen(case, customer.profile, actor, now), []
            return self.workflow.move(
                case,
                customer.profile,
                KycStatus.IN_REVIEW,
                actor,
                SUBMISSION_REASON,
                now,
            )

        return self._change(customer_id, change)

    def decide(
        self, customer_id: str, decision: str, reason: str, actor: Actor
    ) -> KycCase:
        """An officer verifies or rejects a case in review.

        Raises:
            NotPermitted: the actor is not a KYC officer.
            InvalidInput: the decision is neither Verified nor Rejected.
            TransitionNotAllowed: the case is not in review.
            VerificationBlocked: a rule stands in the way of Verified.
        """
        target = _decision(decision)

        def change(
            case: KycCase, customer: Customer, now: dt.datetime
        ) -> tuple[KycCase, list[DomainEvent]]:
            self.workflow.require_officer(actor, case.status, target)
            check_transition(case.subject, case.status, target)
            return self.workflow.move(
                case, customer.profile, target, actor, reason, now
            )

        return self._change(customer_id, change)

    def clear_hit(
        self, customer_id: str, hit_id: str, reason: str, actor: Actor
    ) -> RecordedHit:
        """An officer finds a hit a false positive; it stays cleared until the
        listed entry or the customer's screened details change."""
        if not actor.kyc_officer:
            raise NotPermitted("clearing a screening hit", KYC_REVIEW)

        def change(
            case: KycCase, customer: Customer, now: dt.datetime
        ) -> tuple[KycCase, list[DomainEvent]]:
            return clear_hit(case, hit_id, actor.name, reason, now), []

        return self._change(customer_id, change).hit(hit_id)

    def screen(
        self, customer_id: str, actor: Actor = SYSTEM, force: bool = True
    ) -> KycCase:
        """Screen one customer now, e.g. after the list was reloaded."""

        def change(
            case: KycCase, customer: Customer, now: dt.datetime
        ) -> tuple[KycCase, list[DomainEvent]]:
            return (
                self.workflow.screen(case, customer.profile, actor, now, force),
                [],
            )

        return self._change(customer_id, change)

    def rescreen_all(self, batch_size: int = 200) -> RescreenReport:
        """Screen every customer against the current list (the batch job).

        A customer whose screened details and list version are unchanged is
        not screened again: the result could not differ. A Verified customer
        with a new hit stays Verified with the hit open (the state machine has
        no Verified -> InReview); the report counts them for officers.
        """
        screened = flagged = 0
        for customer_id in self._customer_ids(None, batch_size):
            try:
                case = self.screen(customer_id, SCHEDULER, force=False)
            except CustomerNotFound:
                continue  # removed while the batch ran
            screened += 1
            flagged += bool(case.open_hits)
        return RescreenReport(screened, flagged)

    def expire_due_reviews(self, batch_size: int = 200) -> list[str]:
        """Verified customers whose review date has passed become Expired.

        LIMITATION: a Verified customer that predates the KYC workflow has no
        review date, so it never expires here; give it one by reviewing it.
        """
        expired: list[str] = []
        for customer_id in self._customer_ids(KycStatus.VERIFIED, batch_size):

            def change(
                case: KycCase, customer: Customer, now: dt.datetime
            ) -> tuple[KycCase, list[DomainEvent]]:
                due = case.next_review_on
                if (
                    case.status is not KycStatus.VERIFIED
                    or due is None
                    or due > now.date()
                ):
                    return case, []
                expired.append(customer.id)
                return self.workflow.move(
                    case,
                    customer.profile,
                    KycStatus.EXPIRED,
                    SCHEDULER,
                    f"periodic review was due on {due.isoformat()}",
                    now,
                )

            with contextlib.suppress(CustomerNotFound):  # removed meanwhile
                self._change(customer_id, change)
        return expired

    def _change(
        self,
        customer_id: str,
        change: Callable[
            [KycCase, Customer, dt.datetime], tuple[KycCase, list[DomainEvent]]
        ],
    ) -> KycCase:
        now = self.workflow.clock.now()
        with self._unit_of_work() as uow:
            customer = _existing(uow, customer_id)
            stored = uow.kyc.get(customer_id)
            case, events = change(
                self.workflow.opened(stored, customer, now), customer, now
            )
            case = self.workflow.save(uow, stored, case, customer.profile)
            self.workflow.sync_customer(uow, customer, case, now)
            uow.outbox.add(events)
            uow.commit()
        return case

    def _customer_ids(self, status: KycStatus | None, batch_size: int) -> list[str]:
        ids: list[str] = []
        after = None
        while True:
            with self._unit_of_work() as uow:
                page = uow.customers.list(
                    CustomerQuery(kyc_status=status, after=after, limit=batch_size)
                )
            ids.extend(customer.id for customer in page.customers)
            if page.next_after is None:
                return ids
            after = page.next_after


def _existing(uow: UnitOfWork, customer_id: str) -> Customer:
    customer = uow.customers.get(customer_id)
    if customer is None:
        raise CustomerNotFound(customer_id)
    return customer


def _decision(raw: str) -> KycStatus:
    status = None
    if isinstance(raw, str):
        try:
            status = KycStatus.parse(raw, "decision")
        except InvalidInput:
            status = None
    if status not in DECISIONS:
        message = "must be Verified or Rejected"
        raise InvalidInput(
            f"decision {message}; got {raw!r}"[:200], [FieldError("decision", message)]
        )
    assert status is not None
    return status
