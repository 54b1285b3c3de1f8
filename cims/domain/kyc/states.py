"""The KYC state machine: which status may follow which, and the shortest way.

    Pending -> InReview -> Verified -> Expired
                        -> Rejected
    Expired, Rejected -> InReview  (resubmission)

Everything else is refused with `TransitionNotAllowed`.
"""

from __future__ import annotations

from cims.domain.errors import TransitionNotAllowed
from cims.domain.values import KycStatus

PENDING = KycStatus.PENDING
IN_REVIEW = KycStatus.IN_REVIEW
VERIFIED = KycStatus.VERIFIED
REJECTED = KycStatus.REJECTED
EXPIRED = KycStatus.EXPIRED

TRANSITIONS: dict[KycStatus, tuple[KycStatus, ...]] = {
    PENDING: (IN_REVIEW,),
    IN_REVIEW: (VERIFIED, REJECTED),
    VERIFIED: (EXPIRED,),
    EXPIRED: (IN_REVIEW,),
    REJECTED: (IN_REVIEW,),
}


def allowed_from(status: KycStatus) -> tuple[KycStatus, ...]:
    return TRANSITIONS[status]


def may_move(current: KycStatus, target: KycStatus) -> bool:
    return target in TRANSITIONS[current]


def check_transition(subject: str, current: KycStatus, target: KycStatus) -> None:
    """Raise `TransitionNotAllowed` unless `target` may directly follow `current`."""
    if not may_move(current, target):
        raise refusal(subject, current, target)


def refusal(
    subject: str, current: KycStatus, target: KycStatus
) -> TransitionNotAllowed:
    return TransitionNotAllowed(
        subject,
        current.value,
        target.value,
        [status.value for status in allowed_from(current)],
    )


def path_to(current: KycStatus, target: KycStatus) -> tuple[KycStatus, ...]:
    """The statuses to pass through, in order, to reach `target` (empty if there).

    Used when one request asks for a status two steps away: an officer's
    attestation "Pending -> Verified" goes through InReview, where screening
    runs. Only InReview may be passed through; a request never silently
    expires or rejects a customer on the way somewhere else.

    Raises:
        TransitionNotAllowed: the target is not reachable that way.
    """
    if current == target:
        return ()
    if may_move(current, target):
        return (target,)
    if may_move(current, IN_REVIEW) and may_move(IN_REVIEW, target):
        return (IN_REVIEW, target)
    raise refusal("KYC status", current, target)
