"""The customer activity log in MongoDB: one document per activity."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cims.adapters.mongo.errors import storage_errors
from cims.adapters.mongo.safety import literal, plain_keys
from cims.adapters.mongo.staging import SideRecord
from cims.domain.activity import Activity, ActivityType

if TYPE_CHECKING:
    from cims.adapters.mongo.store import MongoUnitOfWork

ACTIVITIES = "activities"


class MongoActivityLog:
    """Activities ride along with the unit of work's other side records, so
    they are stored with the CUSTOMER_ACTIVITY event that announces them."""

    def __init__(self, uow: MongoUnitOfWork) -> None:
        self._uow = uow

    def append(self, activity: Activity) -> None:
        details = dict(activity.details)
        plain_keys(details, "details")
        document: dict[str, Any] = {
            "_id": activity.activity_id,
            "customerId": activity.customer_id,
            "type": activity.type.value,
            "channel": activity.channel,
            "details": details,
            "occurredAt": activity.occurred_at.isoformat(),
            "recordedAt": activity.recorded_at.isoformat(),
            "recordedBy": activity.recorded_by,
        }
        self._uow.side_records.append(
            SideRecord(ACTIVITIES, document, activity.customer_id)
        )

    def recent(
        self, customer_id: str, limit: int, before: str | None = None
    ) -> Sequence[Activity]:
        query: dict[str, Any] = {"customerId": literal(customer_id, "customer id")}
        if before is not None:
            query["_id"] = {"$lt": literal(before, "before")["$eq"]}
        with storage_errors("reading activities"):
            found = (
                self._uow.store.db[ACTIVITIES].find(query).sort("_id", -1).limit(limit)
            )
            documents = list(found)
        return [
            Activity(
                activity_id=doc["_id"],
                customer_id=doc["customerId"],
                type=ActivityType(doc["type"]),
                occurred_at=dt.datetime.fromisoformat(doc["occurredAt"]),
                recorded_at=dt.datetime.fromisoformat(doc["recordedAt"]),
                recorded_by=doc["recordedBy"],
                channel=doc["channel"],
                details=doc["details"],
            )
            for doc in documents
        ]
