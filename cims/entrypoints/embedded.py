"""The core in a few lines: build CIMS's use cases on adapters you choose.

`build_core()` with no arguments gives a working core on the in-memory
adapters; pass your own storage, event publisher, sanctions screener, clock or
id factory to replace any of them:

    from cims import build_core

    core = build_core()
    jane = core.customers.register({"firstName": "Jane", "lastName": "Roe"})
    core.relay.relay_once()  # hand the committed events to the publisher

For the adapters the service itself runs on (SQL, MongoDB, the OFAC list),
take them from the container instead:
`cims.entrypoints.container.build_container(load_settings())`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import attrs

from cims.adapters.memory import MemoryEventBus, MemoryStore
from cims.adapters.system import SystemClock, TimeOrderedIds
from cims.domain.customer_document import ValidationPolicy
from cims.domain.kyc import KycPolicy
from cims.domain.screening import ScreeningIndex, WatchlistEntry
from cims.ports.inbound.activity import ActivityService
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.kyc import KycService, KycWorkflow
from cims.ports.inbound.relay import EventRelay
from cims.ports.outbound.clock import Clock, IdFactory
from cims.ports.outbound.events import EventPublisher, OutboxMessage
from cims.ports.outbound.sanctions import SanctionsScreener
from cims.ports.outbound.unit_of_work import UnitOfWork

__all__ = ["Core", "Storage", "build_core", "screening_against"]


class Storage(Protocol):
    """What the core needs from a storage adapter.

    Units of work for the use cases, and the reading side of the outbox for
    the relay. `MemoryStore`, `SqlStore` and `MongoStore` are all one; the
    storage contract suite (`cims.testing.storage_contract`) checks yours.
    """

    def unit_of_work(self) -> UnitOfWork:
        """A new unit of work (used as `with uow: ...; uow.commit()`)."""
        ...

    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        """The oldest unpublished outbox messages, in commit order."""
        ...

    def mark_published(self, positions: Sequence[int]) -> None:
        """Record that the messages at these positions were delivered."""
        ...


@attrs.frozen
class Core:
    """The use cases, wired to one set of adapters.

    Attributes:
        customers: register, read, replace, amend, remove and list customers.
        kyc: KYC cases: evidence, decisions, hit clearance, screening, expiry.
        activities: the customer activity log (logins, contacts, product use).
        relay: moves committed events from the outbox to the publisher; call
            `relay_once()` yourself, or run it in a loop or thread.
        storage: the storage adapter the use cases run on.
        publisher: the event publisher the relay delivers to.
    """

    customers: CustomerService
    kyc: KycService
    activities: ActivityService
    relay: EventRelay
    storage: Storage
    publisher: EventPublisher


def build_core(
    storage: Storage | None = None,
    publisher: EventPublisher | None = None,
    screener: SanctionsScreener | None = None,
    clock: Clock | None = None,
    ids: IdFactory | None = None,
    validation: ValidationPolicy | None = None,
    kyc_policy: KycPolicy | None = None,
) -> Core:
    """Build the use cases on the adapters given, in-memory ones for the rest.

    Args:
        storage: customers, KYC cases, outbox and idempotency keys; defaults
            to a new `MemoryStore` (one process, lost on exit).
        publisher: where the relay delivers events; defaults to a new
            `MemoryEventBus` (read it with `core.publisher.messages()`).
        screener: screens customers against a sanctions list; defaults to
            an empty list (`screening_against([])`), which finds no one.
            A bank passes a real list.
        clock: the time the core stamps on changes; defaults to the system
            clock in UTC.
        ids: makes customer and event ids; defaults to time-ordered UUIDs.
        validation: how documents are read (the region for local phone
            numbers); defaults to `ValidationPolicy()`.
        kyc_policy: the KYC rules a deployment chooses; defaults to
            `KycPolicy()`.

    Returns:
        The core, with `customers`, `kyc`, `activities` and `relay` ready
        to call.
    """
    storage = storage if storage is not None else MemoryStore()
    publisher = publisher if publisher is not None else MemoryEventBus()
    screener = screener if screener is not None else screening_against([])
    clock = clock if clock is not None else SystemClock()
    ids = ids if ids is not None else TimeOrderedIds()

    workflow = KycWorkflow(clock, ids, screener, kyc_policy or KycPolicy())
    customers = CustomerService(
        storage.unit_of_work,
        clock,
        ids,
        policy=validation or ValidationPolicy(),
        kyc=workflow,
    )
    return Core(
        customers=customers,
        kyc=KycService(storage.unit_of_work, workflow),
        activities=ActivityService(storage.unit_of_work, clock, ids),
        relay=EventRelay(storage, publisher),
        storage=storage,
        publisher=publisher,
    )


def screening_against(
    entries: Sequence[WatchlistEntry], list_version: str = "embedded"
) -> SanctionsScreener:
    """A screener over a fixed list of watch-list entries, built now.

    Give `list_version` a new value whenever the entries change: customers
    are screened again only when the version they were screened at moved.
    """
    return ScreeningIndex(entries, list_version=list_version)
