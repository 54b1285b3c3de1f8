"""Per-customer versioned JSON documents (KYC cases and the like) in MongoDB.

One document per customer: `{_id: customer_id, version, document}`. Writes
are staged in the unit of work and committed with the same guarantees as
customers: conditional on the version, atomic with the unit of work's events.
A new collection needs its name in `store.DOCUMENT_COLLECTIONS` (so indexes
and the sweeper know it) and one line in `MongoUnitOfWork.__init__`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from cims.adapters.mongo.safety import plain_keys
from cims.adapters.mongo.staging import StagedWrite
from cims.domain.errors import VersionConflict

if TYPE_CHECKING:
    from cims.adapters.mongo.store import MongoUnitOfWork


@attrs.frozen
class VersionedDocument:
    customer_id: str
    version: int
    document: dict[str, Any]


class MongoDocumentRepository:
    def __init__(self, uow: MongoUnitOfWork, collection: str) -> None:
        self._uow = uow
        self._collection = collection

    def get(self, customer_id: str) -> VersionedDocument | None:
        staged = self._uow.staged(self._collection, customer_id)
        if staged is not None:
            fields = staged.fields
            if fields is None:
                return None
        else:
            fields = self._uow.find_one(self._collection, customer_id)
            if fields is None:
                return None
        return VersionedDocument(
            customer_id, int(fields["version"]), dict(fields["document"])
        )

    def add(self, customer_id: str, document: dict[str, Any]) -> VersionedDocument:
        current = self.get(customer_id)
        if current is not None:
            raise VersionConflict(customer_id, 0, current.version)
        return self._stage(customer_id, document, None, 1)

    def update(
        self, customer_id: str, document: dict[str, Any], expected_version: int
    ) -> VersionedDocument:
        self._check(customer_id, expected_version)
        next_version = expected_version + 1
        return self._stage(customer_id, document, expected_version, next_version)

    def remove(self, customer_id: str, expected_version: int) -> None:
        self._check(customer_id, expected_version)
        self._uow.stage(
            StagedWrite(self._collection, customer_id, None, expected_version)
        )

    def _stage(
        self,
        customer_id: str,
        document: dict[str, Any],
        expected_version: int | None,
        version: int,
    ) -> VersionedDocument:
        plain_keys(document, "document")
        fields = {"version": version, "document": document}
        self._uow.stage(
            StagedWrite(self._collection, customer_id, fields, expected_version)
        )
        return VersionedDocument(customer_id, version, document)

    def _check(self, customer_id: str, expected_version: int) -> None:
        current = self.get(customer_id)
        actual = current.version if current else None
        if actual != expected_version:
            raise VersionConflict(customer_id, expected_version, actual)
