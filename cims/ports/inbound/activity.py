"""Customer activity use cases: record what a customer did, read it back."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cims.domain.activity import Activity, read_activity
from cims.domain.errors import CustomerNotFound, FieldError, InvalidInput
from cims.domain.events import CustomerActivity
from cims.ports.outbound.clock import Clock, IdFactory
from cims.ports.outbound.unit_of_work import UnitOfWork

MAX_PAGE = 500


class ActivityService:
    def __init__(
        self, unit_of_work: Callable[[], UnitOfWork], clock: Clock, ids: IdFactory
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._ids = ids

    def record(
        self, customer_id: str, document: Mapping[str, Any], recorded_by: str
    ) -> Activity:
        """Append an activity and publish CUSTOMER_ACTIVITY with it.

        Raises:
            InvalidInput: the activity is malformed.
            CustomerNotFound: no customer has that id.
        """
        now = self._clock.now()
        request = read_activity(document, now)

        with self._unit_of_work() as uow:
            if uow.customers.get(customer_id) is None:
                raise CustomerNotFound(customer_id)
            activity = Activity(
                activity_id=self._ids.new_id(),
                customer_id=customer_id,
                type=request.type,
                occurred_at=request.occurred_at or now,
                recorded_at=now,
                recorded_by=recorded_by,
                channel=request.channel,
                details=request.details,
            )
            uow.activities.append(activity)
            uow.outbox.add(
                [
                    CustomerActivity(
                        event_id=self._ids.new_id(),
                        customer_id=customer_id,
                        occurred_at=activity.occurred_at,
                        activity_type=activity.type.value,
                        channel=activity.channel,
                        details={
                            "activityId": activity.activity_id,
                            **activity.details,
                        },
                    )
                ]
            )
            uow.commit()
        return activity

    def history(
        self, customer_id: str, limit: int = 50, before: str | None = None
    ) -> Sequence[Activity]:
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(
                f"limit must be between 1 and {MAX_PAGE}; got {limit}",
                [FieldError("limit", f"must be between 1 and {MAX_PAGE}")],
            )
        with self._unit_of_work() as uow:
            if uow.customers.get(customer_id) is None:
                raise CustomerNotFound(customer_id)
            return uow.activities.recent(customer_id, limit, before)
