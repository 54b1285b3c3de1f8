"""Domain events: what happened to a customer, in the published message shape.

Every event becomes one message on the bus. The message keeps the contract
existing consumers rely on (`event`, `customerId`, `changes`) and adds
`eventId` for de-duplication, `occurredAt`, `schemaVersion` and `producer`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import attrs

SCHEMA_VERSION = 1
PRODUCER = "cims"

Message = dict[str, Any]


@attrs.frozen(kw_only=True)
class DomainEvent:
    """Something that happened to one customer."""

    event_type: ClassVar[str] = ""
    topic: ClassVar[str] = "customer-updates"

    event_id: str
    customer_id: str
    occurred_at: dt.datetime

    def body(self) -> Message:
        """The event-specific part of the message."""
        return {}

    def to_message(self) -> Message:
        return {
            "event": self.event_type,
            "customerId": self.customer_id,
            **self.body(),
            "eventId": self.event_id,
            "occurredAt": _utc_iso(self.occurred_at),
            "schemaVersion": SCHEMA_VERSION,
            "producer": PRODUCER,
        }


@attrs.frozen(kw_only=True)
class CustomerCreated(DomainEvent):
    event_type: ClassVar[str] = "CUSTOMER_CREATED"
    customer: Message

    def body(self) -> Message:
        return {"customer": self.customer}


@attrs.frozen(kw_only=True)
class CustomerUpdated(DomainEvent):
    event_type: ClassVar[str] = "CUSTOMER_UPDATED"
    changes: Message

    def body(self) -> Message:
        return {"changes": self.changes}


@attrs.frozen(kw_only=True)
class CustomerDeleted(DomainEvent):
    event_type: ClassVar[str] = "CUSTOMER_DELETED"


@attrs.frozen(kw_only=True)
class KycStatusChanged(DomainEvent):
    event_type: ClassVar[str] = "KYC_STATUS_CHANGED"
    from_status: str
    to_status: str
    reason: str
    actor: str

    def body(self) -> Message:
        return {
            "from": self.from_status,
            "to": self.to_status,
            "reason": self.reason,
            "actor": self.actor,
        }


@attrs.frozen(kw_only=True)
class CustomersMerged(DomainEvent):
    """`customer_id` is the survivor; the merged ids now resolve to it."""

    event_type: ClassVar[str] = "CUSTOMERS_MERGED"
    merged_ids: tuple[str, ...]

    def body(self) -> Message:
        return {"survivorId": self.customer_id, "mergedIds": list(self.merged_ids)}


@attrs.frozen(kw_only=True)
class CustomerUnmerged(DomainEvent):
    event_type: ClassVar[str] = "CUSTOMER_UNMERGED"
    restored_id: str

    def body(self) -> Message:
        return {"survivorId": self.customer_id, "restoredId": self.restored_id}


@attrs.frozen(kw_only=True)
class CustomerActivity(DomainEvent):
    """A login, a contact or a product use; published on its own topic."""

    event_type: ClassVar[str] = "CUSTOMER_ACTIVITY"
    topic: ClassVar[str] = "customer-activity"
    activity_type: str
    channel: str | None = None
    details: Message = attrs.field(factory=dict)

    def body(self) -> Message:
        return {
            "activityType": self.activity_type,
            "channel": self.channel,
            "details": self.details,
        }


def _utc_iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")
