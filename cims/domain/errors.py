"""The CIMS error tree.

CimsError
├── InvalidInput (ValueError)           the caller sent something we cannot accept
│   └── InvalidCustomer                 one or more fields failed validation
├── CustomerNotFound (LookupError)      no customer has that id
├── ScreeningHitNotFound (LookupError)  no screening hit has that id on the case
├── VersionConflict                     the caller's copy is stale (optimistic locking)
├── NotPermitted (PermissionError)      the caller lacks the permission a change needs
├── TransitionNotAllowed                a state change the rules forbid
│   └── VerificationBlocked             a rule stands in the way of Verified
└── ServiceUnavailable                  storage or a broker cannot be reached now

Every error carries the identifiers a person needs to act on it. PII is masked
before it goes into a message.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs


class CimsError(Exception):
    """Root of every error CIMS raises on purpose."""


@attrs.frozen
class FieldError:
    """One field that failed validation, named as the API names it."""

    field: str
    message: str


class InvalidInput(CimsError, ValueError):
    """The caller sent data CIMS cannot accept; nothing was changed."""

    def __init__(self, message: str, errors: Iterable[FieldError] = ()) -> None:
        self.errors = tuple(errors)
        super().__init__(message)


class InvalidCustomer(InvalidInput):
    """A customer profile failed validation on one or more fields."""

    def __init__(self, errors: Iterable[FieldError]) -> None:
        errors = tuple(errors)
        fields = ", ".join(error.field for error in errors)
        super().__init__(f"customer data is invalid in: {fields}", errors)


class CustomerNotFound(CimsError, LookupError):
    """No customer has the requested id."""

    def __init__(self, customer_id: str) -> None:
        self.customer_id = customer_id
        super().__init__(f"no customer with id={customer_id!r}")


class VersionConflict(CimsError):
    """The caller changed a customer from a version that is no longer current."""

    def __init__(self, customer_id: str, expected: int, actual: int | None) -> None:
        self.customer_id = customer_id
        self.expected = expected
        self.actual = actual
        super().__init__(
            f"customer {customer_id!r} is at version {actual}, not {expected}; "
            "fetch it again and reapply your change"
        )


class DuplicateRequest(CimsError):
    """An idempotency key was reused with a different request body."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(
            f"Idempotency-Key {key!r} was already used for a different request; "
            "use a new key for a new request"
        )


class TransitionNotAllowed(CimsError):
    """A state change that the business rules forbid."""

    def __init__(
        self, subject: str, current: str, requested: str, allowed: Iterable[str]
    ) -> None:
        self.subject = subject
        self.current = current
        self.requested = requested
        self.allowed = tuple(allowed)
        allowed_text = ", ".join(self.allowed) or "none"
        super().__init__(
            f"{subject} cannot go from {current} to {requested}; "
            f"allowed from {current}: {allowed_text}"
        )


class VerificationBlocked(TransitionNotAllowed):
    """Verification was asked for, but the evidence does not allow it yet."""

    def __init__(
        self,
        subject: str,
        current: str,
        allowed: Iterable[str],
        reasons: Iterable[str],
    ) -> None:
        self.reasons = tuple(reasons)
        super().__init__(subject, current, "Verified", allowed)
        self.args = (f"{subject} cannot be Verified yet: " + "; ".join(self.reasons),)


class NotPermitted(CimsError, PermissionError):
    """The caller may not make this change; `permission` names what it needs."""

    def __init__(self, action: str, permission: str) -> None:
        self.action = action
        self.permission = permission
        super().__init__(f"{action} needs the permission {permission!r}")


class ScreeningHitNotFound(CimsError, LookupError):
    """The KYC case has no screening hit with the requested id."""

    def __init__(self, customer_id: str, hit_id: str) -> None:
        self.customer_id = customer_id
        self.hit_id = hit_id
        super().__init__(
            f"customer {customer_id!r} has no screening hit with id={hit_id!r}; "
            "list the hits with GET .../kyc/screening-hits"
        )


class ServiceUnavailable(CimsError):
    """A backing service (database, broker) cannot be reached right now."""

    def __init__(self, service: str, reason: str, retry_after: int = 5) -> None:
        self.service = service
        self.retry_after = retry_after
        super().__init__(f"{service} is unavailable: {reason}")
