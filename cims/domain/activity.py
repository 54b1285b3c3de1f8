"""Customer activity: logins, contacts and product use, as the bank records them.

Activities are facts about what a customer did, not changes to their profile:
they are appended, never edited, and each is published as CUSTOMER_ACTIVITY
on its own topic.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

import attrs

from cims.domain.errors import FieldError, InvalidInput

MAX_DETAILS = 20
MAX_TEXT = 200
# Clocks differ between the bank's systems; an activity reported a little
# ahead of ours is still plausible.
CLOCK_SKEW = dt.timedelta(minutes=5)


class ActivityType(enum.Enum):
    LOGIN = "login"
    LOGOUT = "logout"
    CONTACT = "contact"
    PRODUCT_USE = "product_use"
    PROFILE_VIEW = "profile_view"


Scalar = str | int | float | bool | None


@attrs.frozen
class Activity:
    activity_id: str
    customer_id: str
    type: ActivityType
    occurred_at: dt.datetime
    recorded_at: dt.datetime
    recorded_by: str
    channel: str | None = None
    details: Mapping[str, Scalar] = attrs.field(factory=dict)


@attrs.frozen
class ActivityRequest:
    type: ActivityType
    channel: str | None
    details: dict[str, Scalar]
    occurred_at: dt.datetime | None


def read_activity(document: Any, now: dt.datetime) -> ActivityRequest:
    """Validate an activity as a client sends it.

    Raises:
        InvalidInput: naming every field that is wrong.
    """
    if not isinstance(document, Mapping):
        raise InvalidInput(
            "an activity must be a JSON object",
            [FieldError("", "must be a JSON object")],
        )
    errors: list[FieldError] = []
    unknown = set(document) - {"type", "channel", "details", "occurredAt"}
    errors += [
        FieldError(str(key)[:50], "is not an activity field")
        for key in sorted(map(str, unknown))
    ]

    kind = _activity_type(document.get("type"), errors)
    channel = _optional_text(document.get("channel"), "channel", errors)
    details = _details(document.get("details"), errors)
    occurred = _occurred_at(document.get("occurredAt"), now, errors)
    if errors or kind is None:
        raise InvalidInput("the activity is invalid", errors)
    return ActivityRequest(kind, channel, details, occurred)


def activity_document(activity: Activity) -> dict[str, Any]:
    return {
        "id": activity.activity_id,
        "customerId": activity.customer_id,
        "type": activity.type.value,
        "channel": activity.channel,
        "details": dict(activity.details),
        "occurredAt": activity.occurred_at.isoformat(),
        "recordedAt": activity.recorded_at.isoformat(),
        "recordedBy": activity.recorded_by,
    }


def _activity_type(value: Any, errors: list[FieldError]) -> ActivityType | None:
    allowed = ", ".join(kind.value for kind in ActivityType)
    if isinstance(value, str):
        key = value.strip().casefold().replace("-", "_").replace(" ", "_")
        for kind in ActivityType:
            if kind.value == key:
                return kind
    errors.append(FieldError("type", f"must be one of {allowed}; got {value!r}"))
    return None


def _optional_text(value: Any, field: str, errors: list[FieldError]) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > MAX_TEXT:
        errors.append(FieldError(field, f"must be text of 1 to {MAX_TEXT} characters"))
        return None
    return value.strip()


def _details(value: Any, errors: list[FieldError]) -> dict[str, Scalar]:
    if value is None:
        return {}
    if not isinstance(value, Mapping) or len(value) > MAX_DETAILS:
        errors.append(
            FieldError("details", f"must be an object of at most {MAX_DETAILS} fields")
        )
        return {}
    details: dict[str, Scalar] = {}
    for key, item in value.items():
        # APPSEC: keys end up as field names in document stores; operators
        # and paths ("$where", "a.b") are refused here, before any adapter.
        if not isinstance(key, str) or not key or key.startswith("$") or "." in key:
            errors.append(FieldError("details", f"has an unusable key {key!r}"))
        elif not isinstance(item, str | int | float | bool | type(None)) or (
            isinstance(item, str) and len(item) > MAX_TEXT
        ):
            errors.append(
                FieldError(
                    f"details.{key}",
                    f"must be a number, true/false, null or text up to {MAX_TEXT}",
                )
            )
        else:
            details[key] = item
    return details


def _occurred_at(
    value: Any, now: dt.datetime, errors: list[FieldError]
) -> dt.datetime | None:
    if value is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        errors.append(
            FieldError("occurredAt", f"must be an ISO 8601 time; got {value!r}")
        )
        return None
    if moment.tzinfo is None:
        errors.append(FieldError("occurredAt", "must carry a time zone, e.g. Z"))
        return None
    if moment > now + CLOCK_SKEW:
        errors.append(FieldError("occurredAt", "must not be in the future"))
        return None
    return moment.astimezone(dt.UTC)
