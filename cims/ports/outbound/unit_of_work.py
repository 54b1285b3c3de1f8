"""The unit of work: one atomic change to customers, KYC cases, lineage, reviews
and their events."""

from __future__ import annotations

from types import TracebackType
from typing import Protocol, Self

from cims.ports.outbound.activity import ActivityLog
from cims.ports.outbound.events import EventOutbox
from cims.ports.outbound.idempotency import IdempotencyStore
from cims.ports.outbound.kyc import KycRepository
from cims.ports.outbound.merging import LineageRepository, ReviewRepository
from cims.ports.outbound.repositories import CustomerRepository


class UnitOfWork(Protocol):
    """Used as `with uow: ...; uow.commit()`.

    Leaving the block without `commit()` discards everything done in it,
    events included.
    """

    # Read-only members, so an adapter's own repository classes satisfy them
    # (a plain mutable attribute here would demand exactly these types).
    @property
    def customers(self) -> CustomerRepository: ...

    @property
    def activities(self) -> ActivityLog: ...

    @property
    def kyc(self) -> KycRepository: ...

    @property
    def outbox(self) -> EventOutbox: ...

    @property
    def idempotency(self) -> IdempotencyStore: ...

    @property
    def lineage(self) -> LineageRepository: ...

    @property
    def reviews(self) -> ReviewRepository: ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    def commit(self) -> None: ...
