"""MongoDB adapters: customers, outbox and idempotency keys in one database."""

from cims.adapters.mongo.documents import MongoDocumentRepository, VersionedDocument
from cims.adapters.mongo.store import MongoStore, MongoUnitOfWork

__all__ = [
    "MongoDocumentRepository",
    "MongoStore",
    "MongoUnitOfWork",
    "VersionedDocument",
]
