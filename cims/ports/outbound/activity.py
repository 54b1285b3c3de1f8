"""The customer activity log port: append and read back, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from cims.domain.activity import Activity


class ActivityLog(Protocol):
    def append(self, activity: Activity) -> None:
        """Record an activity in the current unit of work."""
        ...

    def recent(
        self, customer_id: str, limit: int, before: str | None = None
    ) -> Sequence[Activity]:
        """The customer's activities, newest first, older than `before` (an id).

        Activity ids are time-ordered, so id order is recording order.
        """
        ...
