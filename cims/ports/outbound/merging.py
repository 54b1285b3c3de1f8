"""Ports for customer lineage (sources, merge history) and the review queue."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from cims.domain.lineage import CustomerLineage
from cims.domain.review import DuplicateReview, Status


class LineageRepository(Protocol):
    """One versioned lineage per customer id (see `cims.domain.lineage`).

    An adapter keeps `lineage_document(lineage)` and reads it back with
    `read_lineage`.
    """

    def get(self, customer_id: str) -> CustomerLineage | None: ...

    def add(self, lineage: CustomerLineage) -> None:
        """Store a new lineage (version 1).

        Raises:
            VersionConflict: the id already has one.
        """
        ...

    def update(self, lineage: CustomerLineage, expected_version: int) -> None:
        """Raises VersionConflict when the stored version is not `expected_version`."""
        ...


class ReviewRepository(Protocol):
    def get(self, pair_id: str) -> DuplicateReview | None: ...

    def add(self, review: DuplicateReview) -> None: ...

    def update(self, review: DuplicateReview, expected_version: int) -> None: ...

    def list(
        self, status: Status, after: str | None, limit: int
    ) -> Sequence[DuplicateReview]:
        """Reviews in that status, in pair id order, after `after`."""
        ...
