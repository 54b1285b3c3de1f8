"""Lineage and duplicate reviews in MongoDB: versioned documents per key."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import pymongo

from cims.adapters.mongo.documents import MongoDocumentRepository
from cims.adapters.mongo.errors import storage_errors
from cims.adapters.mongo.safety import literal
from cims.domain.lineage import CustomerLineage, lineage_document, read_lineage
from cims.domain.review import DuplicateReview, Status, read_review, review_document

if TYPE_CHECKING:
    from cims.adapters.mongo.store import MongoUnitOfWork

LINEAGE = "customer_lineage"
REVIEWS = "duplicate_reviews"
REVIEW_INDEXES = [
    pymongo.IndexModel(
        [("document.status", pymongo.ASCENDING), ("_id", pymongo.ASCENDING)],
        name="status_then_id",
    )
]


class MongoLineageRepository:
    def __init__(self, uow: MongoUnitOfWork) -> None:
        self._documents = MongoDocumentRepository(uow, LINEAGE)

    def get(self, customer_id: str) -> CustomerLineage | None:
        stored = self._documents.get(customer_id)
        return None if stored is None else read_lineage(stored.document)

    def add(self, lineage: CustomerLineage) -> None:
        self._documents.add(lineage.customer_id, lineage_document(lineage))

    def update(self, lineage: CustomerLineage, expected_version: int) -> None:
        self._documents.update(
            lineage.customer_id, lineage_document(lineage), expected_version
        )


class MongoReviewRepository:
    def __init__(self, uow: MongoUnitOfWork) -> None:
        self._uow = uow
        self._documents = MongoDocumentRepository(uow, REVIEWS)

    def get(self, pair_id: str) -> DuplicateReview | None:
        stored = self._documents.get(pair_id)
        return None if stored is None else read_review(stored.document)

    def add(self, review: DuplicateReview) -> None:
        self._documents.add(review.pair_id, review_document(review))

    def update(self, review: DuplicateReview, expected_version: int) -> None:
        self._documents.update(
            review.pair_id, review_document(review), expected_version
        )

    def list(
        self, status: Status, after: str | None, limit: int
    ) -> Sequence[DuplicateReview]:
        # LIMITATION: like customer lists, sees committed reviews only.
        condition: dict[str, object] = {
            "document.status": literal(status, "status"),
            "deleted": {"$ne": True},
        }
        if after is not None:
            condition["_id"] = {"$gt": literal(after, "after")["$eq"]}
        with storage_errors("listing duplicate reviews"):
            found = (
                self._uow.store.db[REVIEWS]
                .find(condition, {"document": True})
                .sort("_id", pymongo.ASCENDING)
                .limit(limit)
            )
            return [read_review(dict(d["document"])) for d in found]
