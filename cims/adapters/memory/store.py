"""In-memory storage: customers, KYC cases, outbox and idempotency keys, one lock.

A unit of work takes the store's lock for its whole life and stages writes in
an overlay, so a rollback is just dropping the overlay and readers never see
half a change.

LIMITATION: everything lives in one process's memory and is lost on exit;
list queries scan every customer (fine for tests and embedding, not for
millions of customers). Use the SQL adapter for durable storage.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import threading
from collections import Counter
from collections.abc import Collection, Sequence
from types import TracebackType
from typing import Any, Self

import attrs

from cims.adapters.memory.merging import MemoryLineageRepository, MemoryReviewRepository
from cims.domain.activity import Activity
from cims.domain.customer import Customer
from cims.domain.errors import VersionConflict
from cims.domain.events import DomainEvent
from cims.domain.kyc import KycCase, kyc_case_document, read_kyc_case
from cims.domain.search_keys import customer_match_keys, search_keys
from cims.ports.outbound.events import OutboxMessage
from cims.ports.outbound.idempotency import IdempotentResponse
from cims.ports.outbound.repositories import PER_KEY_CAP, CustomerPage, CustomerQuery

_DELETED = object()


class MemoryStore:
    """The shared state every `MemoryUnitOfWork` reads and commits to."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.customers: dict[str, Customer] = {}
        self.ordered_ids: list[str] = []
        # Retrieval key -> ids of customers having it, and the reverse.
        self.match_index: dict[str, set[str]] = {}
        self.match_keys: dict[str, frozenset[str]] = {}
        self.outbox: list[OutboxMessage] = []
        # Positions are 1, 2, 3...; everything up to `published_through` is
        # published, and `published` holds positions marked out of order.
        self.published_through = 0
        self.published: set[int] = set()
        self.idempotency: dict[str, IdempotentResponse] = {}
        # Cases are kept as their documents, as a database adapter would.
        self.kyc_cases: dict[str, dict[str, object]] = {}
        self.activities: dict[str, list[Activity]] = {}
        self.lineage: dict[str, dict[str, Any]] = {}
        self.reviews: dict[str, dict[str, Any]] = {}
        self.committed = threading.Condition(self.lock)

    def unit_of_work(self) -> MemoryUnitOfWork:
        return MemoryUnitOfWork(self)

    def index(self, customer: Customer) -> None:
        keys = customer_match_keys(customer)
        self.match_keys[customer.id] = keys
        for key in keys:
            self.match_index.setdefault(key, set()).add(customer.id)

    def unindex(self, customer_id: str) -> None:
        for key in self.match_keys.pop(customer_id, ()):
            holders = self.match_index[key]
            holders.discard(customer_id)
            if not holders:
                del self.match_index[key]

    # The outbox reader side, used by the relay.
    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        with self.lock:
            waiting = []
            for message in self.outbox[self.published_through :]:
                if message.position not in self.published:
                    waiting.append(message)
                    if len(waiting) == limit:
                        break
            return waiting

    def mark_published(self, positions: Sequence[int]) -> None:
        with self.lock:
            self.published.update(positions)
            while self.published_through + 1 in self.published:
                self.published_through += 1
                self.published.discard(self.published_through)


class MemoryCustomerRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.staged: dict[str, object] = {}

    def get(self, customer_id: str) -> Customer | None:
        staged = self.staged.get(customer_id)
        if staged is _DELETED:
            return None
        if staged is not None:
            assert isinstance(staged, Customer)
            return staged
        return self._store.customers.get(customer_id)

    def add(self, customer: Customer) -> None:
        if self.get(customer.id) is not None:
            raise VersionConflict(customer.id, 0, self.get(customer.id).version)  # type: ignore[union-attr]
        self.staged[customer.id] = customer

    def update(self, customer: Customer, expected_version: int) -> None:
        self._check(customer.id, expected_version)
        self.staged[customer.id] = customer

    def remove(self, customer_id: str, expected_version: int) -> None:
        self._check(customer_id, expected_version)
        self.staged[customer_id] = _DELETED

    def list(self, query: CustomerQuery) -> CustomerPage:
        ids = self._store.ordered_ids
        start = bisect.bisect_right(ids, query.after) if query.after else 0
        found: list[Customer] = []
        for customer_id in ids[start:]:
            customer = self.get(customer_id)
            if customer is not None and _matches(customer, query):
                found.append(customer)
                if len(found) > query.limit:
                    break
        more = len(found) > query.limit
        page = found[: query.limit]
        return CustomerPage(page, page[-1].id if more else None)

    def search(self, keys: Collection[str], limit: int) -> Sequence[Customer]:
        # LIMITATION: sees committed customers only, not this unit of work's.
        shared: Counter[str] = Counter()
        for key in keys:
            ids = self._store.match_index.get(key, ())
            shared.update(heapq.nsmallest(PER_KEY_CAP, ids))
        ranked = sorted(shared, key=lambda i: (-shared[i], i))
        found = (self.get(customer_id) for customer_id in ranked)
        return [customer for customer in found if customer is not None][:limit]

    def _check(self, customer_id: str, expected_version: int) -> None:
        current = self.get(customer_id)
        actual = current.version if current else None
        if actual != expected_version:
            raise VersionConflict(customer_id, expected_version, actual)


def _matches(customer: Customer, query: CustomerQuery) -> bool:
    keys = search_keys(customer)
    return (
        (query.email is None or keys.email == query.email)
        and (query.phone is None or keys.phone == query.phone)
        and (query.last_name is None or keys.last_name == query.last_name)
        and (query.kyc_status is None or customer.kyc_status == query.kyc_status)
    )


class MemoryActivityLog:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.staged: list[Activity] = []

    def append(self, activity: Activity) -> None:
        self.staged.append(activity)

    def recent(
        self, customer_id: str, limit: int, before: str | None = None
    ) -> Sequence[Activity]:
        stored = self._store.activities.get(customer_id, [])
        older = [a for a in stored if before is None or a.activity_id < before]
        return sorted(older, key=lambda a: a.activity_id, reverse=True)[:limit]


class MemoryKycRepository:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.staged: dict[str, dict[str, object]] = {}

    def get(self, customer_id: str) -> KycCase | None:
        document = self.staged.get(customer_id) or self._store.kyc_cases.get(
            customer_id
        )
        return None if document is None else read_kyc_case(document)

    def add(self, case: KycCase) -> None:
        current = self.get(case.customer_id)
        if current is not None:
            raise VersionConflict(case.customer_id, 0, current.version)
        self.staged[case.customer_id] = kyc_case_document(case)

    def update(self, case: KycCase, expected_version: int) -> None:
        current = self.get(case.customer_id)
        actual = current.version if current else None
        if actual != expected_version:
            raise VersionConflict(case.customer_id, expected_version, actual)
        self.staged[case.customer_id] = kyc_case_document(case)


class MemoryOutbox:
    def __init__(self) -> None:
        self.staged: list[DomainEvent] = []

    def add(self, events: Sequence[DomainEvent]) -> None:
        self.staged.extend(events)


class MemoryIdempotencyStore:
    def __init__(self, store: MemoryStore) -> None:
        self._store = store
        self.staged: dict[str, IdempotentResponse] = {}

    def get(self, key: str) -> IdempotentResponse | None:
        return self.staged.get(key) or self._store.idempotency.get(key)

    def put(self, response: IdempotentResponse) -> None:
        self.staged[response.key] = response


@attrs.define
class MemoryUnitOfWork:
    store: MemoryStore
    customers: MemoryCustomerRepository = attrs.field(init=False)
    kyc: MemoryKycRepository = attrs.field(init=False)
    activities: MemoryActivityLog = attrs.field(init=False)
    outbox: MemoryOutbox = attrs.field(init=False)
    idempotency: MemoryIdempotencyStore = attrs.field(init=False)
    lineage: MemoryLineageRepository = attrs.field(init=False)
    reviews: MemoryReviewRepository = attrs.field(init=False)

    def __enter__(self) -> Self:
        self.store.lock.acquire()
        self.customers = MemoryCustomerRepository(self.store)
        self.kyc = MemoryKycRepository(self.store)
        self.activities = MemoryActivityLog(self.store)
        self.outbox = MemoryOutbox()
        self.idempotency = MemoryIdempotencyStore(self.store)
        self.lineage = MemoryLineageRepository(self.store.lineage)
        self.reviews = MemoryReviewRepository(self.store.reviews)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.customers.staged.clear()
        self.kyc.staged.clear()
        self.activities.staged.clear()
        self.outbox.staged.clear()
        self.idempotency.staged.clear()
        self.lineage.documents.staged.clear()
        self.reviews.documents.staged.clear()
        self.store.lock.release()

    def commit(self) -> None:
        store = self.store
        for customer_id, value in self.customers.staged.items():
            store.unindex(customer_id)
            if value is _DELETED:
                if store.customers.pop(customer_id, None) is not None:
                    index = bisect.bisect_left(store.ordered_ids, customer_id)
                    del store.ordered_ids[index]
            else:
                assert isinstance(value, Customer)
                if customer_id not in store.customers:
                    bisect.insort(store.ordered_ids, customer_id)
                store.customers[customer_id] = value
                store.index(value)

        now = dt.datetime.now(dt.UTC)
        for event in self.outbox.staged:
            store.outbox.append(
                OutboxMessage(
                    position=len(store.outbox) + 1,
                    topic=event.topic,
                    key=event.customer_id,
                    value=event.to_message(),
                    created_at=now,
                )
            )
        store.idempotency.update(self.idempotency.staged)
        store.kyc_cases.update(self.kyc.staged)
        for activity in self.activities.staged:
            store.activities.setdefault(activity.customer_id, []).append(activity)
        self.lineage.documents.commit()
        self.reviews.documents.commit()

        self.customers.staged.clear()
        self.kyc.staged.clear()
        self.activities.staged.clear()
        self.outbox.staged.clear()
        self.idempotency.staged.clear()
        store.committed.notify_all()
