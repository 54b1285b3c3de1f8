"""Protocols the use cases talk through; adapters implement them."""

from cims.ports.outbound.activity import ActivityLog
from cims.ports.outbound.clock import Clock, IdFactory
from cims.ports.outbound.events import (
    EventOutbox,
    EventPublisher,
    OutboxMessage,
    OutboxReader,
)
from cims.ports.outbound.idempotency import IdempotencyStore, IdempotentResponse
from cims.ports.outbound.kyc import KycRepository
from cims.ports.outbound.repositories import (
    CustomerPage,
    CustomerQuery,
    CustomerRepository,
)
from cims.ports.outbound.sanctions import SanctionsList, SanctionsScreener
from cims.ports.outbound.unit_of_work import UnitOfWork

__all__ = [
    "ActivityLog",
    "Clock",
    "CustomerPage",
    "CustomerQuery",
    "CustomerRepository",
    "EventOutbox",
    "EventPublisher",
    "IdFactory",
    "IdempotencyStore",
    "IdempotentResponse",
    "KycRepository",
    "OutboxMessage",
    "OutboxReader",
    "SanctionsList",
    "SanctionsScreener",
    "UnitOfWork",
]
