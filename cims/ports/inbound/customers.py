"""Customer use cases: register, read, replace, amend, remove and list."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from cims.domain.customer import Customer, register_customer, revise_customer
from cims.domain.customer_document import (
    Document,
    ValidationPolicy,
    changed_fields,
    customer_document,
    read_profile,
    request_document,
)
from cims.domain.errors import (
    CustomerNotFound,
    DuplicateRequest,
    FieldError,
    InvalidInput,
    VersionConflict,
)
from cims.domain.events import CustomerCreated, CustomerDeleted, CustomerUpdated
from cims.domain.merge_patch import apply_merge_patch
from cims.domain.search_keys import (
    email_filter_key,
    last_name_filter_key,
    phone_filter_key,
)
from cims.domain.values import KycStatus
from cims.ports.outbound.clock import Clock, IdFactory
from cims.ports.outbound.idempotency import IdempotentResponse
from cims.ports.outbound.repositories import CustomerPage, CustomerQuery
from cims.ports.outbound.unit_of_work import UnitOfWork

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
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._ids = ids
        self._policy = policy

    def register(
        self, document: Mapping[str, Any], idempotency_key: str | None = None
    ) -> Registration:
        """Create a customer from a document.

        Raises:
            InvalidCustomer: a field failed validation.
            DuplicateRequest: the key was used before with another body.
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
                self._ids.new_id(), request.profile, request.kyc_status, now
            )
            uow.customers.add(customer)
            created = customer_document(customer)
            uow.outbox.add(
                [
                    CustomerCreated(
                        event_id=self._ids.new_id(),
                        customer_id=customer.id,
                        occurred_at=now,
                        customer=created,
                    )
                ]
            )
            if idempotency_key is not None:
                uow.idempotency.put(
                    IdempotentResponse(
                        idempotency_key, fingerprint, customer.id, created, now
                    )
                )
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
    ) -> Customer:
        """Replace a customer's profile with a whole new document (PUT)."""
        return self._revise(customer_id, lambda _current: document, expected_version)

    def amend(
        self,
        customer_id: str,
        patch: Mapping[str, Any],
        expected_version: int | None = None,
    ) -> Customer:
        """Apply a JSON merge patch (RFC 7396) to a customer (PATCH)."""
        if not isinstance(patch, Mapping):
            raise InvalidInput(
                "a merge patch must be a JSON object",
                [FieldError("", "must be a JSON object")],
            )

        def patched(current: Customer) -> Mapping[str, Any]:
            merged = apply_merge_patch(request_document(current), dict(patch))
            return merged if isinstance(merged, dict) else {}

        return self._revise(customer_id, patched, expected_version)

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
    ) -> Customer:
        now = self._clock.now()
        with self._unit_of_work() as uow:
            current = _existing(uow, customer_id)
            _check_version(current, expected_version)

            request = read_profile(new_document(current), self._policy, now.date())
            revised = revise_customer(current, request.profile, request.kyc_status, now)
            if revised == current:
                return current

            uow.customers.update(revised, current.version)
            uow.outbox.add(
                [
                    CustomerUpdated(
                        event_id=self._ids.new_id(),
                        customer_id=customer_id,
                        occurred_at=now,
                        changes=changed_fields(current, revised),
                    )
                ]
            )
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
