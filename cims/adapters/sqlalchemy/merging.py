"""Lineage and duplicate reviews in SQL: one versioned JSON document per row."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from cims.adapters.sqlalchemy.errors import database_errors
from cims.adapters.sqlalchemy.schema import customer_lineage, duplicate_reviews
from cims.domain.errors import VersionConflict
from cims.domain.lineage import CustomerLineage, lineage_document, read_lineage
from cims.domain.review import DuplicateReview, Status, read_review, review_document


class _VersionedRows:
    """Rows of (key, version, document, extra columns); writes check the version."""

    def __init__(self, connection: sa.Connection, table: sa.Table, key: str) -> None:
        self._connection = connection
        self._table = table
        self._key = table.c[key]
        self._key_name = key

    def get(self, key: str) -> dict[str, Any] | None:
        statement = sa.select(self._table.c.document).where(self._key == key)
        with database_errors(f"read {self._table.name}"):
            found = self._connection.execute(statement).scalar()
        return None if found is None else dict(found)

    def add(self, key: str, version: int, values: dict[str, Any]) -> None:
        with database_errors(f"add to {self._table.name}"):
            existing = self._version(key)
            if existing is not None:
                raise VersionConflict(key, 0, existing)
            self._connection.execute(
                sa.insert(self._table),
                {self._key_name: key, "version": version, **values},
            )

    def update(
        self, key: str, version: int, values: dict[str, Any], expected: int
    ) -> None:
        statement = (
            sa.update(self._table)
            .where(self._key == key, self._table.c.version == expected)
            .values(version=version, **values)
        )
        with database_errors(f"update {self._table.name}"):
            if self._connection.execute(statement).rowcount == 1:
                return
            actual = self._version(key)
        raise VersionConflict(key, expected, actual)

    def _version(self, key: str) -> int | None:
        statement = sa.select(self._table.c.version).where(self._key == key)
        found = self._connection.execute(statement).scalar()
        return None if found is None else int(found)


class SqlLineageRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._rows = _VersionedRows(connection, customer_lineage, "customer_id")

    def get(self, customer_id: str) -> CustomerLineage | None:
        found = self._rows.get(customer_id)
        return None if found is None else read_lineage(found)

    def add(self, lineage: CustomerLineage) -> None:
        self._rows.add(lineage.customer_id, lineage.version, _lineage_values(lineage))

    def update(self, lineage: CustomerLineage, expected_version: int) -> None:
        self._rows.update(
            lineage.customer_id,
            lineage.version,
            _lineage_values(lineage),
            expected_version,
        )


def _lineage_values(lineage: CustomerLineage) -> dict[str, Any]:
    return {"merged_into": lineage.merged_into, "document": lineage_document(lineage)}


class SqlReviewRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection
        self._rows = _VersionedRows(connection, duplicate_reviews, "pair_id")

    def get(self, pair_id: str) -> DuplicateReview | None:
        found = self._rows.get(pair_id)
        return None if found is None else read_review(found)

    def add(self, review: DuplicateReview) -> None:
        self._rows.add(review.pair_id, review.version, _review_values(review))

    def update(self, review: DuplicateReview, expected_version: int) -> None:
        self._rows.update(
            review.pair_id, review.version, _review_values(review), expected_version
        )

    def list(
        self, status: Status, after: str | None, limit: int
    ) -> Sequence[DuplicateReview]:
        c = duplicate_reviews.c
        statement = sa.select(c.document).where(c.status == status)
        if after is not None:
            statement = statement.where(c.pair_id > after)
        statement = statement.order_by(c.pair_id).limit(limit)
        with database_errors("list duplicate reviews"):
            rows = self._connection.execute(statement).scalars().all()
        return [read_review(dict(document)) for document in rows]


def _review_values(review: DuplicateReview) -> dict[str, Any]:
    return {"status": review.status, "document": review_document(review)}
