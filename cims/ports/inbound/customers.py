"""Customer use cases: register, read, replace, amend, remove and list.

KYC rides along: a new customer is screened and gets a KYC case; a change to
what screening looks at (name, date of birth, nationality) screens again; and
a kycStatus change in the document is an officer's attestation, run through
the KYC workflow (see `cims.ports.inbound.kyc`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from cims.domain.customer import (
    Customer,
    register_customer,
    revise_customer,
    same_phone_kept,
)
from cims.domain.customer_document import (
    Document,
    ValidationPolicy,
    changed_fields,
    customer_document,
    read_profile,
    request_document,
)
from cims.domain.customer_sources import api_source, first_lineage
from cims.domain.errors import (
    CustomerNotFound,
    DuplicateRequest,
    FieldError,
    InvalidInput,
    VersionConflict,
)
from cims.domain.events import (
    CustomerCreated,
    CustomerDeleted,
    CustomerUpdated,
    DomainEvent,
)
from cims.domain.kyc import open_case
from cims.domain.lineage import CustomerLineage, with_source
from cims.domain.merge_patch import apply_merge_patch
from cims.domain.screening import ScreeningIndex
from cims.domain.search_keys import (
    email_filter_key,
    last_name_filter_key,
    phone_filter_key,
)
from cims.domain.values import KycStatus
from cims.ports.inbound.kyc import ATTESTATION_REASON, SYSTEM, Actor, KycWorkflow
from cims.ports.outbound.clock import Clock, IdFactory
from cims.ports.outbound.idempotency import IdempotentResponse
from cims.ports.outbound.repositories import CustomerPage, CustomerQuery
from cims.ports.outbound.unit_of_work import UnitOfWork

if TYPE_CHECKING:
    from cims.ports.inbound.review import DuplicateMatcher

MAX_PAGE_SIZE = 500


@attrs.frozen
class Registration:
    """The outcome of registering: the customer as first returned, and whether
    this call replayed an earlier one with the same idempotency key."""

    customer_id: str
    document: Document
    replayed: bool


@attrs.frozen
class CustomerFilters:
    """List filters as a caller types them; normalised before querying."""

    email: str | None = None
    phone: str | None = None
    last_name: str | None = None
    kyc_status: str | None = None


class CustomerService:
    """The customer use cases. Every change commits its events atomically."""

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        ids: IdFactory,
        policy: ValidationPolicy = ValidationPolicy(),
        kyc: KycWorkflow | None = None,
        matcher: DuplicateMatcher | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._matcher = matcher
        self._clock = clock
        self._ids = ids
        self._policy = policy
        # Without a workflow, screening runs against an empty list: fine for
        # embedding and tests, never for a bank (the container passes one).
        self._kyc = kyc or KycWorkflow(
            clock, ids, ScreeningIndex([], list_version="no-list")
        )

    def register(
        self,
        document: Mapping[str, Any],
        idempotency_key: str | None = None,
        actor: Actor = SYSTEM,
        origin: tuple[str, str] | None = None,
    ) -> Registration:
        """Create a customer from a document; screen them and open a KYC case.

        A kycStatus other than Pending is an officer's attestation: the case
        goes Pending -> InReview -> that status, each step recorded and evented.

        The document is kept as the customer's first source record: source
        "api" keyed by the new id, or `origin` (source, key) when another
        system's record is being imported. The new customer is then matched
        against existing ones (see `DuplicateMatcher`).

        Raises:
            InvalidCustomer: a field failed validation.
            DuplicateRequest: the key was used before with another body.
            NotPermitted: kycStatus is not Pending and the actor is no officer.
            TransitionNotAllowed: that status cannot be reached from Pending.
            VerificationBlocked: Verified was asked for but a rule forbids it.
        """
        now = self._clock.now()
        request = read_profile(document, self._policy, now.date())
        fingerprint = _fingerprint(document)

        with self._unit_of_work() as uow:
            if idempotency_key is not None:
                earlier = uow.idempotency.get(idempotency_key)
                if earlier is not None:
                    if earlier.fingerprint != fingerprint:
                        raise DuplicateRequest(idempotency_key)
                    return Registration(earlier.customer_id, earlier.document, True)

            customer = register_customer(
                self._ids.new_id(), request.profile, KycStatus.PENDING, now
            )
            case = open_case(customer.id, KycStatus.PENDING, now)
            case = self._kyc.screen(case, customer.profile, actor, now)
            kyc_events: list[DomainEvent] = []
            target = request.kyc_status
            if target is not None and target is not KycStatus.PENDING:
                self._kyc.require_officer(actor, KycStatus.PENDING, target)
                case, kyc_events = self._kyc.move(
                    case, customer.profile, target, actor, ATTESTATION_REASON, now
                )
            # The customer is stored once, already in the status the case
            # reached; the KYC events after CUSTOMER_CREATED tell how.
            customer = attrs.evolve(customer, kyc_status=case.status)
            uow.customers.add(customer)
            uow.lineage.add(
                CustomerLineage(
                    customer.id,
                    (api_source(customer.id, dict(document), now, origin),),
                )
            )
            self._kyc.save(uow, None, case, customer.profile)
            created = customer_document(customer)
            uow.outbox.add(
                [
                    CustomerCreated(
                        event_id=self._ids.new_id(),
                        customer_id=customer.id,
                        occurred_at=now,
                        customer=created,
                    ),
                    *kyc_events,
                ]
            )
            if idempotency_key is not None:
                uow.idempotency.put(
                    IdempotentResponse(
                        idempotency_key, fingerprint, customer.id, created, now
                    )
                )
            if self._matcher is not None:
                # Auto-merge is off for API creations by default: matches are
                # queued for review; the new customer keeps its own id.
                self._matcher.match_new(uow, customer, origin[0] if origin else "api")
            uow.commit()
        return Registration(customer.id, created, False)

    def get(self, customer_id: str) -> Customer:
        with self._unit_of_work() as uow:
            return _existing(uow, customer_id)

    def replace(
        self,
        customer_id: str,
        document: Mapping[str, Any],
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
    ) -> Customer:
        """Replace a customer's profile with a whole new document (PUT)."""
        return self._revise(
            customer_id, lambda _current: document, expected_version, actor
        )

    def amend(
        self,
        customer_id: str,
        patch: Mapping[str, Any],
        expected_version: int | None = None,
        actor: Actor = SYSTEM,
        origin: tuple[str, str] | None = None,
    ) -> Customer:
        """Apply a JSON merge patch (RFC 7396) to a customer (PATCH).

        `origin` (source, key) names the source record the patch came from;
        by default the API's.
        """
        if not isinstance(patch, Mapping):
            raise InvalidInput(
                "a merge patch must be a JSON object",
                [FieldError("", "must be a JSON object")],
            )

        def patched(current: Customer) -> Mapping[str, Any]:
            merged = apply_merge_patch(request_document(current), dict(patch))
            return merged if isinstance(merged, dict) else {}

        return self._revise(customer_id, patched, expected_version, actor, origin)

    def remove(self, customer_id: str, expected_version: int | None = None) -> None:
        now = self._clock.now()
        with self._unit_of_work() as uow:
            current = _existing(uow, customer_id)
            _check_version(current, expected_version)
            uow.customers.remove(customer_id, current.version)
            uow.outbox.add(
                [
                    CustomerDeleted(
                        event_id=self._ids.new_id(),
                        customer_id=customer_id,
                        occurred_at=now,
                    )
                ]
            )
            uow.commit()

    def list(
        self,
        filters: CustomerFilters = CustomerFilters(),
        limit: int = 100,
        after: str | None = None,
    ) -> CustomerPage:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidInput(
                f"limit must be between 1 and {MAX_PAGE_SIZE}; got {limit}",
                [FieldError("limit", f"must be between 1 and {MAX_PAGE_SIZE}")],
            )

        query = CustomerQuery(
            email=_key(filters.email, email_filter_key),
            phone=_key(
                filters.phone,
                lambda raw: phone_filter_key(raw, self._policy.default_region),
            ),
            last_name=_key(filters.last_name, last_name_filter_key),
            kyc_status=(
                KycStatus.parse(filters.kyc_status) if filters.kyc_status else None
            ),
            after=after,
            limit=limit,
        )
        with self._unit_of_work() as uow:
            return uow.customers.list(query)

    def _revise(
        self,
        customer_id: str,
        new_document: Callable[[Customer], Mapping[str, Any]],
        expected_version: int | None,
        actor: Actor,
        origin: tuple[str, str] | None = None,
    ) -> Customer:
        """Revise the profile; screen again if the screened details changed; run
        a kycStatus change as an officer's attestation.

        Raises:
            NotPermitted: kycStatus changes and the actor is no officer.
            TransitionNotAllowed, VerificationBlocked: the KYC rules refuse it.
        """
        now = self._clock.now()
        with self._unit_of_work() as uow:
            current = _existing(uow, customer_id)
            _check_version(current, expected_version)

            requested = new_document(current)
            request = read_profile(requested, self._policy, now.date())
            target = request.kyc_status
            attested = target is not None and target != current.kyc_status
            if attested:
                assert target is not None
                self._kyc.require_officer(actor, current.kyc_status, target)

            stored = self._kyc.case_of(uow, current)
            case = self._kyc.opened(stored, current, now)
            case = self._kyc.screen(case, request.profile, actor, now)
            kyc_events: list[DomainEvent] = []
            if attested:
                assert target is not None
                case, kyc_events = self._kyc.move(
                    case, request.profile, target, actor, ATTESTATION_REASON, now
                )
            saved = self._kyc.save(uow, stored, case, request.profile)

            profile = same_phone_kept(current.profile, request.profile)
            revised = revise_customer(current, profile, case.status, now)
            events: list[DomainEvent] = []
            if revised != current:
                uow.customers.update(revised, current.version)
                # The request is a source record too: later merges and
                # unmerges recompute from it, so it must not go stale.
                stored_lineage = uow.lineage.get(customer_id)
                lineage = with_source(
                    stored_lineage or first_lineage(current),
                    api_source(customer_id, dict(requested), now, origin),
                )
                if stored_lineage is None:
                    uow.lineage.add(lineage)
                else:
                    uow.lineage.update(
                        attrs.evolve(lineage, version=stored_lineage.version + 1),
                        stored_lineage.version,
                    )
                events.append(
                    CustomerUpdated(
                        event_id=self._ids.new_id(),
                        customer_id=customer_id,
                        occurred_at=now,
                        changes=changed_fields(current, revised),
                    )
                )
            elif saved == stored:
                return current
            uow.outbox.add([*events, *kyc_events])
            uow.commit()
        return revised


def _existing(uow: UnitOfWork, customer_id: str) -> Customer:
    customer = uow.customers.get(customer_id)
    if customer is None:
        raise CustomerNotFound(customer_id)
    return customer


def _check_version(customer: Customer, expected: int | None) -> None:
    if expected is not None and expected != customer.version:
        raise VersionConflict(customer.id, expected, customer.version)


def _key(raw: str | None, normalise: Callable[[str], str]) -> str | None:
    return normalise(raw) if raw else None


def _fingerprint(document: Mapping[str, Any]) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
