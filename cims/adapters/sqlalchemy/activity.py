"""The customer activity log in SQL."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from cims.adapters.sqlalchemy.errors import database_errors
from cims.adapters.sqlalchemy.schema import customer_activities
from cims.domain.activity import Activity, ActivityType

_c = customer_activities.c


class SqlActivityLog:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def append(self, activity: Activity) -> None:
        with database_errors("record an activity"):
            self._connection.execute(
                sa.insert(customer_activities),
                {
                    "id": activity.activity_id,
                    "customer_id": activity.customer_id,
                    "type": activity.type.value,
                    "channel": activity.channel,
                    "details": dict(activity.details),
                    "occurred_at": activity.occurred_at,
                    "recorded_at": activity.recorded_at,
                    "recorded_by": activity.recorded_by,
                },
            )

    def recent(
        self, customer_id: str, limit: int, before: str | None = None
    ) -> Sequence[Activity]:
        query = sa.select(customer_activities).where(_c.customer_id == customer_id)
        if before is not None:
            query = query.where(_c.id < before)
        query = query.order_by(_c.id.desc()).limit(limit)
        with database_errors("read activities"):
            rows = self._connection.execute(query).all()
        return [
            Activity(
                activity_id=row.id,
                customer_id=row.customer_id,
                type=ActivityType(row.type),
                occurred_at=row.occurred_at,
                recorded_at=row.recorded_at,
                recorded_by=row.recorded_by,
                channel=row.channel,
                details=row.details,
            )
            for row in rows
        ]
