"""Lineage and duplicate reviews in memory: versioned documents, staged per uow."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cims.domain.errors import VersionConflict
from cims.domain.lineage import CustomerLineage, lineage_document, read_lineage
from cims.domain.review import DuplicateReview, Status, read_review, review_document

Document = dict[str, Any]


class _Documents:
    """Committed documents plus this unit of work's staged ones."""

    def __init__(self, committed: dict[str, Document]) -> None:
        self.committed = committed
        self.staged: dict[str, Document] = {}

    def get(self, key: str) -> Document | None:
        return self.staged.get(key) or self.committed.get(key)

    def add(self, key: str, document: Document) -> None:
        current = self.get(key)
        if current is not None:
            raise VersionConflict(key, 0, int(current["version"]))
        self.staged[key] = document

    def update(self, key: str, document: Document, expected_version: int) -> None:
        current = self.get(key)
        actual = int(current["version"]) if current else None
        if actual != expected_version:
            raise VersionConflict(key, expected_version, actual)
        self.staged[key] = document

    def commit(self) -> None:
        self.committed.update(self.staged)
        self.staged.clear()


class MemoryLineageRepository:
    def __init__(self, committed: dict[str, Document]) -> None:
        self.documents = _Documents(committed)

    def get(self, customer_id: str) -> CustomerLineage | None:
        found = self.documents.get(customer_id)
        return None if found is None else read_lineage(found)

    def add(self, lineage: CustomerLineage) -> None:
        self.documents.add(lineage.customer_id, lineage_document(lineage))

    def update(self, lineage: CustomerLineage, expected_version: int) -> None:
        self.documents.update(
            lineage.customer_id, lineage_document(lineage), expected_version
        )


class MemoryReviewRepository:
    def __init__(self, committed: dict[str, Document]) -> None:
        self.documents = _Documents(committed)

    def get(self, pair_id: str) -> DuplicateReview | None:
        found = self.documents.get(pair_id)
        return None if found is None else read_review(found)

    def add(self, review: DuplicateReview) -> None:
        self.documents.add(review.pair_id, review_document(review))

    def update(self, review: DuplicateReview, expected_version: int) -> None:
        self.documents.update(review.pair_id, review_document(review), expected_version)

    def list(
        self, status: Status, after: str | None, limit: int
    ) -> Sequence[DuplicateReview]:
        keys = sorted({*self.documents.committed, *self.documents.staged})
        found = []
        for key in keys:
            if after is not None and key <= after:
                continue
            document = self.documents.get(key)
            if document is not None and document["status"] == status:
                found.append(read_review(document))
                if len(found) == limit:
                    break
        return found
