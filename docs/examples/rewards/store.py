"""Our own storage adapter for the CIMS core: everything in one shelve file.

It implements the ports in `cims.ports.outbound` (customers, their activity
log, KYC cases, lineage, duplicate reviews, idempotency keys and the event
outbox, changed together in a unit of work)
and the outbox reader the relay uses. The shared storage contract suite,
`cims.testing.storage_contract.StorageContract`, checks that it behaves like
CIMS's own adapters.

LIMITATION: one process only (shelve files must not be opened twice), and
every unit of work runs alone under one lock. Fine for a small service;
use CIMS's SQL adapter for more.
"""

from __future__ import annotations

import bisect
import shelve
import threading
from collections.abc import Collection, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from cims.adapters.system import SystemClock
from cims.domain.activity import Activity
from cims.domain.customer import Customer
from cims.domain.errors import VersionConflict
from cims.domain.events import DomainEvent
from cims.domain.search_keys import customer_match_keys, search_keys
from cims.ports.outbound import (
    Clock,
    CustomerPage,
    CustomerQuery,
    IdempotentResponse,
    OutboxMessage,
)

_DELETED = object()


class ShelveStore:
    """Customers, KYC cases, idempotency keys and the outbox in one shelve file."""

    def __init__(self, path: Path, clock: Clock | None = None) -> None:
        self.lock = threading.RLock()
        self.clock = clock or SystemClock()
        self.shelf = shelve.open(str(path))  # noqa: SIM115 - closed by close()
        self.customer_ids = sorted(_ids(self.shelf, "customer/"))
        # Outbox positions in commit order, and those not yet published.
        self.positions = sorted(int(p) for p in _ids(self.shelf, "outbox/"))
        self.unpublished = [
            p for p in self.positions if not self.shelf[_outbox_key(p)][1]
        ]

    def unit_of_work(self) -> ShelveUnitOfWork:
        return ShelveUnitOfWork(self)

    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        with self.lock:
            return [self.shelf[_outbox_key(p)][0] for p in self.unpublished[:limit]]

    def mark_published(self, positions: Sequence[int]) -> None:
        with self.lock:
            for position in positions:
                message, _published = self.shelf[_outbox_key(position)]
                self.shelf[_outbox_key(position)] = (message, True)
            done = set(positions)
            self.unpublished = [p for p in self.unpublished if p not in done]
            self.shelf.sync()

    def close(self) -> None:
        self.shelf.close()


class ShelveUnitOfWork:
    """Holds the store's lock from `with` to the end; stages writes until commit."""

    def __init__(self, store: ShelveStore) -> None:
        self.store = store
        self.staged: dict[str, Any] = {}
        self.events: list[DomainEvent] = []
        self.customers = ShelveCustomers(self)
        self.activities = ShelveActivities(self)
        self.kyc = Versioned(self, "kyc/", "customer_id")
        self.lineage = Versioned(self, "lineage/", "customer_id")
        self.reviews = ShelveReviews(self)
        self.idempotency = ShelveIdempotencyKeys(self)
        self.outbox = self  # the outbox port is just `add(events)`

    def __enter__(self) -> Self:
        self.store.lock.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Whatever was not committed is dropped: that is the rollback.
        self.staged.clear()
        self.events.clear()
        self.store.lock.release()

    def read(self, key: str) -> Any:
        value = self.staged.get(key, self.store.shelf.get(key))
        return None if value is _DELETED else value

    def add(self, events: Sequence[DomainEvent]) -> None:
        self.events.extend(events)

    def commit(self) -> None:
        store = self.store
        for key, value in self.staged.items():
            customer_id = key.removeprefix("customer/")
            if value is _DELETED:
                if key in store.shelf:
                    del store.shelf[key]
                    store.customer_ids.remove(customer_id)
                continue
            if key.startswith("customer/") and key not in store.shelf:
                bisect.insort(store.customer_ids, customer_id)
            store.shelf[key] = value

        now = store.clock.now()
        for event in self.events:
            position = (store.positions[-1] if store.positions else 0) + 1
            message = OutboxMessage(
                position, event.topic, event.customer_id, event.to_message(), now
            )
            store.shelf[_outbox_key(position)] = (message, False)
            store.positions.append(position)
            store.unpublished.append(position)

        store.shelf.sync()
        self.staged.clear()
        self.events.clear()


class Versioned:
    """A repository of versioned records stored under `prefix` + their id.

    The KYC case, lineage and review repository ports all look like this:
    `add` stores version 1, `update` checks the version it replaces.
    """

    def __init__(self, uow: ShelveUnitOfWork, prefix: str, id_field: str) -> None:
        self.uow = uow
        self.prefix = prefix
        self.id_field = id_field

    def get(self, record_id: str) -> Any:
        return self.uow.read(self.prefix + record_id)

    def add(self, record: Any) -> None:
        record_id = getattr(record, self.id_field)
        current = self.get(record_id)
        if current is not None:
            raise VersionConflict(record_id, 0, current.version)
        self.uow.staged[self.prefix + record_id] = record

    def update(self, record: Any, expected_version: int) -> None:
        record_id = getattr(record, self.id_field)
        self._check(record_id, expected_version)
        self.uow.staged[self.prefix + record_id] = record

    def _check(self, record_id: str, expected_version: int) -> None:
        current = self.get(record_id)
        actual = current.version if current is not None else None
        if actual != expected_version:
            raise VersionConflict(record_id, expected_version, actual)


class ShelveCustomers(Versioned):
    """The CustomerRepository port."""

    def __init__(self, uow: ShelveUnitOfWork) -> None:
        super().__init__(uow, "customer/", "id")

    def remove(self, customer_id: str, expected_version: int) -> None:
        self._check(customer_id, expected_version)
        self.uow.staged[self.prefix + customer_id] = _DELETED

    def list(self, query: CustomerQuery) -> CustomerPage:
        ids = self.uow.store.customer_ids
        start = bisect.bisect_right(ids, query.after) if query.after else 0
        found: list[Customer] = []
        for customer_id in ids[start:]:
            customer = self.get(customer_id)
            if customer is not None and _matches(customer, query):
                found.append(customer)
                if len(found) > query.limit:
                    break
        page = found[: query.limit]
        more = len(found) > query.limit
        return CustomerPage(page, page[-1].id if more else None)

    def search(self, keys: Collection[str], limit: int) -> Sequence[Customer]:
        # A small team's store can afford to compute keys on the fly; a big
        # one stores and indexes `customer_match_keys` with each customer.
        wanted = set(keys)
        shared: list[tuple[int, str, Customer]] = []
        for customer_id in self.uow.store.customer_ids:
            customer = self.get(customer_id)
            if customer is not None:
                overlap = len(wanted & customer_match_keys(customer))
                if overlap:
                    shared.append((-overlap, customer.id, customer))
        return [customer for _, _, customer in sorted(shared)[:limit]]


class ShelveReviews(Versioned):
    """The duplicate-review queue: versioned reviews listed by status."""

    def __init__(self, uow: ShelveUnitOfWork) -> None:
        super().__init__(uow, "review/", "pair_id")

    def list(self, status: str, after: str | None, limit: int) -> list[Any]:
        keys = {k for k in self.uow.store.shelf if k.startswith(self.prefix)}
        keys |= {k for k in self.uow.staged if k.startswith(self.prefix)}
        reviews = sorted(
            (self.uow.read(key) for key in keys), key=lambda review: review.pair_id
        )
        return [
            review
            for review in reviews
            if review.status == status and (after is None or review.pair_id > after)
        ][:limit]


class ShelveActivities:
    """The ActivityLog port: append-only, read back newest first."""

    def __init__(self, uow: ShelveUnitOfWork) -> None:
        self.uow = uow

    def append(self, activity: Activity) -> None:
        key = f"activity/{activity.customer_id}/{activity.activity_id}"
        self.uow.staged[key] = activity

    def recent(
        self, customer_id: str, limit: int, before: str | None = None
    ) -> list[Activity]:
        prefix = f"activity/{customer_id}/"
        keys = {k for k in self.uow.store.shelf if k.startswith(prefix)}
        keys |= {k for k in self.uow.staged if k.startswith(prefix)}
        # Activity ids are time-ordered: id order is recording order.
        ids = sorted((k.removeprefix(prefix) for k in keys), reverse=True)
        ids = [i for i in ids if before is None or i < before][:limit]
        return [self.uow.read(prefix + i) for i in ids]


class ShelveIdempotencyKeys:
    """The IdempotencyStore port."""

    def __init__(self, uow: ShelveUnitOfWork) -> None:
        self.uow = uow

    def get(self, key: str) -> IdempotentResponse | None:
        return self.uow.read(f"idempotency/{key}")

    def put(self, response: IdempotentResponse) -> None:
        self.uow.staged[f"idempotency/{response.key}"] = response


def _matches(customer: Customer, query: CustomerQuery) -> bool:
    keys = search_keys(customer)
    return (
        query.email in (None, keys.email)
        and query.phone in (None, keys.phone)
        and query.last_name in (None, keys.last_name)
        and query.kyc_status in (None, customer.kyc_status)
    )


def _ids(shelf: shelve.Shelf[Any], prefix: str) -> list[str]:
    return [key.removeprefix(prefix) for key in shelf if key.startswith(prefix)]


def _outbox_key(position: int) -> str:
    return f"outbox/{position:012d}"
