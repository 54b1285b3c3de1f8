"""MongoDB storage: customers, outbox and idempotency keys, with atomic events.

The atomicity guarantee
-----------------------
A unit of work's customer change and the events it emits are stored together
or not at all, on any MongoDB deployment:

* Replica set or sharded cluster (detected at start-up with `hello`): all the
  writes of a unit of work (customer documents, outbox messages, idempotency
  records) run in one multi-document transaction.
* Standalone server (and mongomock), where transactions do not exist: each
  customer write carries its events and idempotency record *inside the
  customer document* (`_pending`), in the same single-document write, which
  MongoDB applies atomically. Right after the write they are copied to the
  `outbox` and `idempotency` collections and pulled from the document. If the
  process dies in between, `sweep()` finishes the move; the relay's
  `pending()` sweeps first, so the relay works unchanged. A deleted customer
  is kept as a tombstone (no personal data) until its events have moved.

Outbox positions come from a counter document raised with `$inc` at commit,
so they only grow. One relay at a time reads the outbox: `pending()` first
takes or renews a lease (a document in `counters` naming its owner and an
expiry) and returns nothing while another live relay holds it; `close()`
hands the lease back. Lease expiry is judged by each relay's own clock.

Every change to a stored document is conditional on its `version`
(optimistic concurrency); a stale writer gets `VersionConflict`.

LIMITATION: on a standalone server, a unit of work that changes *several*
customers is atomic per customer, not as a whole (each document write is
atomic with its own events). Today's use cases change one customer per unit
of work; merges across customers need a replica set to be all-or-nothing.

LIMITATION: reads inside a unit of work see committed data plus this unit of
work's own staged writes (for `get`), but `list` sees committed data only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import socket
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from types import TracebackType
from typing import Any, Self

import attrs
import pymongo
from pymongo import errors
from pymongo.client_session import ClientSession
from pymongo.database import Database

from cims.adapters.mongo.activity import ACTIVITIES, MongoActivityLog
from cims.adapters.mongo.errors import storage_errors
from cims.adapters.mongo.jobs import JOB_INDEXES
from cims.adapters.mongo.kyc import KYC_CASES, MongoKycRepository
from cims.adapters.mongo.mapping import (
    PERSONAL_FIELDS,
    Document,
    customer_fields,
    customer_from_document,
)
from cims.adapters.mongo.merging import (
    LINEAGE,
    REVIEW_INDEXES,
    REVIEWS,
    MongoLineageRepository,
    MongoReviewRepository,
)
from cims.adapters.mongo.safety import literal, literal_number, text, whole_number
from cims.adapters.mongo.staging import SideRecord, StagedWrite
from cims.domain.customer import Customer
from cims.domain.errors import VersionConflict
from cims.domain.events import DomainEvent
from cims.ports.outbound.activity import ActivityLog
from cims.ports.outbound.events import EventOutbox, OutboxMessage
from cims.ports.outbound.idempotency import IdempotencyStore, IdempotentResponse
from cims.ports.outbound.kyc import KycRepository
from cims.ports.outbound.merging import LineageRepository, ReviewRepository
from cims.ports.outbound.repositories import (
    PER_KEY_CAP,
    CustomerPage,
    CustomerQuery,
    CustomerRepository,
)

log = logging.getLogger(__name__)

CUSTOMERS = "customers"
OUTBOX = "outbox"
IDEMPOTENCY = "idempotency"
COUNTERS = "counters"
OUTBOX_COUNTER = "outbox"
RELAY_LEASE = "relay_lease"
_NEVER = "0001-01-01T00:00:00.000000+00:00"

# Collections of versioned documents that may carry pending side records and
# tombstones; the sweeper visits each. A new per-customer document collection
# (KYC cases, say) is named here and served by a `MongoDocumentRepository`.
DOCUMENT_COLLECTIONS: tuple[str, ...] = (CUSTOMERS, KYC_CASES, LINEAGE, REVIEWS)

# Fields only this adapter writes; projected away before mapping.
PENDING = "_pending"
PENDING_SINCE = "_pendingSince"
DELETED = "deleted"
_HIDDEN = {PENDING: False, PENDING_SINCE: False}

SWEEP_BATCH = 100


def _indexes(
    document_collections: Iterable[str],
) -> dict[str, list[pymongo.IndexModel]]:
    """Every index, by collection; each list query is served by one of them."""
    by_id = ("_id", pymongo.ASCENDING)
    keyed = [
        pymongo.IndexModel([(field, pymongo.ASCENDING), by_id], name=name)
        for field, name in (
            ("keys.email", "email_then_id"),
            ("keys.phone", "phone_then_id"),
            ("keys.lastName", "last_name_then_id"),
            ("kycStatus", "kyc_status_then_id"),
        )
    ]
    pending = [
        pymongo.IndexModel(
            [(PENDING_SINCE, pymongo.ASCENDING)], name="pending", sparse=True
        ),
        pymongo.IndexModel(
            [(f"{PENDING}.d._id", pymongo.ASCENDING)],
            name="pending_record",
            sparse=True,
        ),
    ]
    indexes: dict[str, list[pymongo.IndexModel]] = {
        name: list(pending) for name in document_collections
    }
    # `_id` is the customer id: unique by construction, and the keyset order.
    match = pymongo.IndexModel(
        [("matchKeys", pymongo.ASCENDING), by_id], name="match_keys"
    )
    indexes[CUSTOMERS] = [*keyed, match, *pending]
    if REVIEWS in indexes:
        indexes[REVIEWS] = [*REVIEW_INDEXES, *pending]
    indexes[OUTBOX] = [
        pymongo.IndexModel(
            [("published", pymongo.ASCENDING), by_id], name="unpublished_in_order"
        ),
        pymongo.IndexModel(
            [("eventId", pymongo.ASCENDING)], name="event_id", unique=True
        ),
    ]
    indexes[ACTIVITIES] = [
        pymongo.IndexModel(
            [("customerId", pymongo.ASCENDING), ("_id", pymongo.DESCENDING)],
            name="customer_newest_first",
        )
    ]
    indexes.update(JOB_INDEXES)
    return indexes


def supports_transactions(client: Any) -> bool:
    """True when the server is a replica set member or a mongos router."""
    try:
        reply = client.admin.command("hello")
    except NotImplementedError:
        return False  # mongomock implements neither `hello` nor sessions
    return bool(reply.get("setName")) or reply.get("msg") == "isdbgrid"


class MongoStore:
    """A MongoDB database holding CIMS's customers, outbox and idempotency keys.

    `client_or_url` is a `pymongo.MongoClient` (or mongomock's) or a URL; a
    client made from a URL is owned, and closed by `close()`. `transactions`
    overrides the replica-set detection (tests use it).
    """

    def __init__(
        self,
        client_or_url: Any,
        database: str,
        *,
        transactions: bool | None = None,
        timeout_ms: int = 5000,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        document_collections: Iterable[str] = DOCUMENT_COLLECTIONS,
        relay_lease: dt.timedelta = dt.timedelta(seconds=30),
    ) -> None:
        self._owns_client = isinstance(client_or_url, str)
        if isinstance(client_or_url, str):
            client_or_url = pymongo.MongoClient(
                client_or_url,
                serverSelectionTimeoutMS=timeout_ms,
                connectTimeoutMS=timeout_ms,
                socketTimeoutMS=timeout_ms * 2,
                tz_aware=True,
            )
        self.client = client_or_url
        self.db: Database[Document] = client_or_url[database]
        self.now = clock
        self.document_collections = tuple(dict.fromkeys(document_collections))
        self.relay_lease = relay_lease
        self.relay_owner = (
            f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        )

        try:
            with storage_errors("start-up"):
                if transactions is None:
                    transactions = supports_transactions(self.client)
                self.transactions = transactions
                self.ensure_indexes()
                self.db[COUNTERS].update_one(
                    {"_id": RELAY_LEASE},
                    {"$setOnInsert": {"owner": None, "expiresAt": _NEVER}},
                    upsert=True,
                )
        except BaseException:
            self.close()
            raise
        log.info(
            "MongoDB store on database %r ready; atomic events by %s",
            database,
            "multi-document transactions" if transactions else "outbox-in-document",
        )

    def ensure_indexes(self) -> None:
        """Create every index; a no-op when they already exist."""
        for collection, models in _indexes(self.document_collections).items():
            self.db[collection].create_indexes(models)

    def unit_of_work(self) -> MongoUnitOfWork:
        return MongoUnitOfWork(self)

    def close(self) -> None:
        """Hand back the relay lease if held; close the client if owned."""
        with contextlib.suppress(errors.PyMongoError):
            self.db[COUNTERS].update_one(
                {"_id": RELAY_LEASE, "owner": literal(self.relay_owner, "owner")},
                {"$set": {"owner": None, "expiresAt": _NEVER}},
            )
        if self._owns_client:
            self.client.close()

    def _take_lease(self) -> bool:
        """Take or renew the relay lease; False while another relay holds it."""
        now = self.now()
        taken = self.db[COUNTERS].find_one_and_update(
            {
                "_id": RELAY_LEASE,
                "$or": [
                    {"owner": literal(self.relay_owner, "owner")},
                    {"expiresAt": {"$lt": _iso(now)}},
                ],
            },
            {
                "$set": {
                    "owner": self.relay_owner,
                    "expiresAt": _iso(now + self.relay_lease),
                }
            },
        )
        return taken is not None

    # The outbox reader side, used by the relay.
    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        """The oldest unpublished messages, after finishing any interrupted moves.

        Empty while another relay holds the lease.
        """
        with storage_errors("taking the relay lease"):
            if not self._take_lease():
                log.debug(
                    "relay %s: another relay holds the outbox lease", self.relay_owner
                )
                return []
        self.sweep()
        with storage_errors("reading the outbox"):
            found = (
                self.db[OUTBOX]
                .find({"published": False})
                .sort("_id", pymongo.ASCENDING)
                .limit(limit)
            )
            return [_outbox_message(document) for document in found]

    def mark_published(self, positions: Sequence[int]) -> None:
        checked = [whole_number(position, "position") for position in positions]
        with storage_errors("marking outbox messages published"):
            self.db[OUTBOX].update_many(
                {"_id": {"$in": checked}},
                {"$set": {"published": True, "publishedAt": _iso(self.now())}},
            )

    def sweep(self) -> int:
        """Finish moving side records out of documents; return how many moved.

        Needed only after a crash between a document write and its move on a
        standalone server; harmless (idempotent) at any time.
        """
        moved = 0
        with storage_errors("sweeping pending outbox records"):
            for name in self.document_collections:
                waiting = (
                    self.db[name]
                    .find({PENDING_SINCE: {"$exists": True}}, {"_id": True})
                    .sort(PENDING_SINCE, pymongo.ASCENDING)
                    .limit(SWEEP_BATCH)
                )
                for document in list(waiting):
                    moved += self.move_pending(name, document["_id"])
        return moved

    def move_pending(self, collection: str, document_id: str) -> int:
        """Copy one document's side records to their collections, then pull them."""
        documents = self.db[collection]
        found = documents.find_one({"_id": literal(document_id, "id")}, {PENDING: True})
        records = (found or {}).get(PENDING) or []
        moved: dict[str, list[Any]] = {}
        for record in records:
            target, body = record["c"], dict(record["d"])
            record_id = body.pop("_id")
            # Upserting by _id makes a repeated move a no-op; a duplicate key
            # means a concurrent mover got there first.
            with contextlib.suppress(errors.DuplicateKeyError):
                self.db[target].update_one(
                    {"_id": record_id}, {"$setOnInsert": body}, upsert=True
                )
            moved.setdefault(target, []).append(record_id)

        for target, ids in moved.items():
            documents.update_one(
                {"_id": literal(document_id, "id")},
                {"$pull": {PENDING: {"c": target, "d._id": {"$in": ids}}}},
            )
        if moved:
            emptied = {"_id": literal(document_id, "id"), PENDING: {"$size": 0}}
            documents.delete_one({**emptied, DELETED: True})
            documents.update_one(emptied, {"$unset": {PENDING: "", PENDING_SINCE: ""}})
        return sum(len(ids) for ids in moved.values())

    def allocate_positions(self, count: int, session: ClientSession | None) -> int:
        """Reserve `count` outbox positions; return the first."""
        counter = self.db[COUNTERS].find_one_and_update(
            {"_id": OUTBOX_COUNTER},
            {"$inc": {"position": count}},
            upsert=True,
            return_document=pymongo.ReturnDocument.AFTER,
            session=session,
        )
        assert counter is not None  # upsert=True always returns a document
        return int(counter["position"]) - count + 1


class MongoUnitOfWork:
    """Stages writes in memory; `commit()` applies them atomically (see module)."""

    def __init__(self, store: MongoStore) -> None:
        self.store = store
        self.writes: dict[tuple[str, str], StagedWrite] = {}
        self.side_records: list[SideRecord] = []
        self._outbox = MongoOutbox(self)
        self._idempotency = MongoIdempotencyStore(self)
        # Typed as the ports: the UnitOfWork protocol's attributes are
        # mutable, so mypy wants exactly these types, not subtypes.
        self.customers: CustomerRepository = MongoCustomerRepository(self)
        self.kyc: KycRepository = MongoKycRepository(self)
        self.activities: ActivityLog = MongoActivityLog(self)
        self.outbox: EventOutbox = self._outbox
        self.idempotency: IdempotencyStore = self._idempotency
        self.lineage: LineageRepository = MongoLineageRepository(self)
        self.reviews: ReviewRepository = MongoReviewRepository(self)

    def __enter__(self) -> Self:
        self._discard()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Leaving without commit() discards everything staged.
        self._discard()

    def _discard(self) -> None:
        self.writes.clear()
        self.side_records.clear()
        self._outbox.staged.clear()
        self._idempotency.staged.clear()

    # Staging, shared by every repository of this unit of work.
    def staged(self, collection: str, document_id: str) -> StagedWrite | None:
        return self.writes.get((collection, text(document_id, "id")))

    def stage(self, write: StagedWrite) -> None:
        key = (write.collection, write.document_id)
        earlier = self.writes.get(key)
        if earlier is not None:
            # The store only ever sees the first expectation and the last state.
            if earlier.expected_version is None and write.fields is None:
                del self.writes[key]  # inserted and deleted: nothing to store
                return
            write = attrs.evolve(write, expected_version=earlier.expected_version)
        self.writes[key] = write

    def find_one(self, collection: str, document_id: str) -> Document | None:
        """The committed document, or None when absent or a tombstone."""
        with storage_errors(f"reading {collection}"):
            return self.store.db[collection].find_one(
                {"_id": literal(document_id, "id"), DELETED: {"$ne": True}}, _HIDDEN
            )

    def stored_version(self, collection: str, document_id: str) -> int | None:
        found = self.find_one(collection, document_id)
        return None if found is None else int(found["version"])

    def commit(self) -> None:
        writes = list(self.writes.values())
        events = self._outbox.staged
        responses = list(self._idempotency.staged.values())
        with storage_errors("commit"):
            if self.store.transactions:
                self._commit_in_transaction(writes, events, responses)
            else:
                self._commit_in_documents(writes, events, responses)
        self._discard()

    def _side_records(
        self,
        events: Sequence[DomainEvent],
        responses: Iterable[IdempotentResponse],
        session: ClientSession | None,
    ) -> list[SideRecord]:
        records = list(self.side_records)
        if events:
            first = self.store.allocate_positions(len(events), session)
            created = _iso(self.store.now())
            records += [
                SideRecord(
                    OUTBOX,
                    _outbox_document(first + i, event, created),
                    event.customer_id,
                )
                for i, event in enumerate(events)
            ]
        records += [
            SideRecord(
                IDEMPOTENCY, _idempotency_document(response), response.customer_id
            )
            for response in responses
        ]
        return records

    def _commit_in_transaction(
        self,
        writes: list[StagedWrite],
        events: Sequence[DomainEvent],
        responses: Iterable[IdempotentResponse],
    ) -> None:
        def apply(session: ClientSession) -> None:
            for record in self._side_records(events, responses, session):
                self.store.db[record.collection].insert_one(
                    record.document, session=session
                )
            for write in writes:
                self._apply(write, [], session)

        with self.store.client.start_session() as session:
            # with_transaction retries the whole callback on transient errors
            # (write conflicts with a concurrent writer among them).
            session.with_transaction(apply)

    def _commit_in_documents(
        self,
        writes: list[StagedWrite],
        events: Sequence[DomainEvent],
        responses: Iterable[IdempotentResponse],
    ) -> None:
        carried: dict[int, list[SideRecord]] = {id(write): [] for write in writes}
        loose: list[SideRecord] = []
        for record in self._side_records(events, responses, None):
            carrier = _carrier(writes, record.owner)
            if carrier is None:
                loose.append(record)
            else:
                carried[id(carrier)].append(record)

        for write in writes:
            self._apply(write, carried[id(write)], None)
        for record in loose:
            # No document write to be atomic with: store it directly.
            self.store.db[record.collection].insert_one(record.document)
        for write in writes:
            if carried[id(write)]:
                self.store.move_pending(write.collection, write.document_id)

    def _apply(
        self,
        write: StagedWrite,
        records: list[SideRecord],
        session: ClientSession | None,
    ) -> None:
        documents = self.store.db[write.collection]
        document_id = write.document_id
        pending = [{"c": r.collection, "d": r.document} for r in records]
        now = _iso(self.store.now())

        if write.expected_version is None:
            assert write.fields is not None
            document: Document = {"_id": document_id, **write.fields}
            if pending:
                document |= {PENDING: pending, PENDING_SINCE: now}
            try:
                documents.insert_one(document, session=session)
            except errors.DuplicateKeyError:
                actual = self.stored_version(write.collection, document_id)
                raise VersionConflict(document_id, 0, actual) from None
            return

        condition = {
            "_id": literal(document_id, "id"),
            "version": literal_number(write.expected_version, "version"),
            DELETED: {"$ne": True},
        }
        change: Document
        if write.fields is None and not pending:
            matched = documents.delete_one(condition, session=session).deleted_count
        else:
            if write.fields is None:
                # A tombstone keeps the events until they move, nothing else.
                change = {
                    "$set": {DELETED: True, "version": write.expected_version + 1},
                    "$unset": dict.fromkeys(PERSONAL_FIELDS, ""),
                }
            else:
                change = {"$set": write.fields}
            if pending:
                change["$push"] = {PENDING: {"$each": pending}}
                change["$min"] = {PENDING_SINCE: now}
            matched = documents.update_one(
                condition, change, session=session
            ).matched_count
        if not matched:
            actual = self.stored_version(write.collection, document_id)
            raise VersionConflict(document_id, write.expected_version, actual)


def _carrier(writes: list[StagedWrite], owner: str | None) -> StagedWrite | None:
    """The write a side record travels in: its owner's, else the first one."""
    for write in writes:
        if write.document_id == owner and write.collection == CUSTOMERS:
            return write
    return writes[0] if writes else None


class MongoCustomerRepository:
    def __init__(self, uow: MongoUnitOfWork) -> None:
        self._uow = uow

    def get(self, customer_id: str) -> Customer | None:
        staged = self._uow.staged(CUSTOMERS, customer_id)
        if staged is not None:
            if staged.fields is None:
                return None
            return customer_from_document({"_id": customer_id, **staged.fields})
        found = self._uow.find_one(CUSTOMERS, customer_id)
        return None if found is None else customer_from_document(found)

    def add(self, customer: Customer) -> None:
        text(customer.id, "id")
        current = self.get(customer.id)
        if current is not None:
            raise VersionConflict(customer.id, 0, current.version)
        self._uow.stage(
            StagedWrite(CUSTOMERS, customer.id, customer_fields(customer), None)
        )

    def update(self, customer: Customer, expected_version: int) -> None:
        self._check(customer.id, expected_version)
        self._uow.stage(
            StagedWrite(
                CUSTOMERS, customer.id, customer_fields(customer), expected_version
            )
        )

    def remove(self, customer_id: str, expected_version: int) -> None:
        self._check(customer_id, expected_version)
        self._uow.stage(StagedWrite(CUSTOMERS, customer_id, None, expected_version))

    def list(self, query: CustomerQuery) -> CustomerPage:
        condition: Document = {DELETED: {"$ne": True}}
        for field, value in (
            ("keys.email", query.email),
            ("keys.phone", query.phone),
            ("keys.lastName", query.last_name),
            ("kycStatus", query.kyc_status.value if query.kyc_status else None),
        ):
            if value is not None:
                condition[field] = literal(value, field)
        if query.after is not None:
            condition["_id"] = {"$gt": literal(query.after, "after")["$eq"]}

        with storage_errors("listing customers"):
            found = list(
                self._uow.store.db[CUSTOMERS]
                .find(condition, _HIDDEN)
                .sort("_id", pymongo.ASCENDING)
                .limit(query.limit + 1)
            )
        page = [customer_from_document(document) for document in found[: query.limit]]
        more = len(found) > query.limit
        return CustomerPage(page, page[-1].id if more else None)

    def search(self, keys: Collection[str], limit: int) -> Sequence[Customer]:
        # LIMITATION: like `list`, sees committed customers only.
        customers = self._uow.store.db[CUSTOMERS]
        shared: Counter[str] = Counter()
        with storage_errors("searching customers"):
            for key in keys:
                found = (
                    customers.find(
                        {"matchKeys": literal(key, "key"), DELETED: {"$ne": True}},
                        {"_id": True},
                    )
                    .sort("_id", pymongo.ASCENDING)
                    .limit(PER_KEY_CAP)
                )
                shared.update(str(document["_id"]) for document in found)
            ranked = sorted(shared, key=lambda i: (-shared[i], i))[:limit]
            documents = {
                document["_id"]: document
                for document in customers.find({"_id": {"$in": ranked}}, _HIDDEN)
            }
        return [
            customer_from_document(documents[customer_id])
            for customer_id in ranked
            if customer_id in documents
        ]

    def _check(self, customer_id: str, expected_version: int) -> None:
        current = self.get(customer_id)
        actual = current.version if current else None
        if actual != expected_version:
            raise VersionConflict(customer_id, expected_version, actual)


class MongoOutbox:
    def __init__(self, uow: MongoUnitOfWork) -> None:
        self._uow = uow
        self.staged: list[DomainEvent] = []

    def add(self, events: Sequence[DomainEvent]) -> None:
        self.staged.extend(events)


class MongoIdempotencyStore:
    """Idempotency keys; a key committed but not yet moved is found too.

    LIMITATION: two registrations racing with the same new key can both
    miss it. On a replica set the second commit fails on the key's unique
    `_id` (an error, not a replay); on a standalone server both customers
    are kept and the first stored key wins.
    """

    def __init__(self, uow: MongoUnitOfWork) -> None:
        self._uow = uow
        self.staged: dict[str, IdempotentResponse] = {}

    def get(self, key: str) -> IdempotentResponse | None:
        text(key, "Idempotency-Key")
        if key in self.staged:
            return self.staged[key]
        db = self._uow.store.db
        with storage_errors("reading idempotency keys"):
            found = db[IDEMPOTENCY].find_one({"_id": literal(key, "Idempotency-Key")})
            if found is None:
                # Committed but not yet moved out of its customer document.
                carrier = db[CUSTOMERS].find_one(
                    {
                        PENDING: {
                            "$elemMatch": {
                                "c": IDEMPOTENCY,
                                "d._id": literal(key, "Idempotency-Key"),
                            }
                        }
                    },
                    {PENDING: True},
                )
                found = next(
                    (
                        r["d"]
                        for r in (carrier or {}).get(PENDING, [])
                        if r["c"] == IDEMPOTENCY and r["d"]["_id"] == key
                    ),
                    None,
                )
        return None if found is None else _idempotent_response(found)

    def put(self, response: IdempotentResponse) -> None:
        self.staged[response.key] = response


def _outbox_document(position: int, event: DomainEvent, created: str) -> Document:
    # The message is kept as JSON text: exactly what will be published, and
    # keys from event payloads can never be read as operators or paths.
    return {
        "_id": position,
        "eventId": event.event_id,
        "topic": event.topic,
        "key": event.customer_id,
        "value": json.dumps(event.to_message(), ensure_ascii=False),
        "createdAt": created,
        "published": False,
    }


def _outbox_message(document: Document) -> OutboxMessage:
    return OutboxMessage(
        position=int(document["_id"]),
        topic=str(document["topic"]),
        key=str(document["key"]),
        value=json.loads(document["value"]),
        created_at=dt.datetime.fromisoformat(document["createdAt"]),
    )


def _idempotency_document(response: IdempotentResponse) -> Document:
    return {
        "_id": response.key,
        "fingerprint": response.fingerprint,
        "customerId": response.customer_id,
        "document": json.dumps(response.document, ensure_ascii=False),
        "createdAt": _iso(response.created_at),
    }


def _idempotent_response(document: Document) -> IdempotentResponse:
    return IdempotentResponse(
        key=str(document["_id"]),
        fingerprint=str(document["fingerprint"]),
        customer_id=str(document["customerId"]),
        document=json.loads(document["document"]),
        created_at=dt.datetime.fromisoformat(document["createdAt"]),
    )


def _iso(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
