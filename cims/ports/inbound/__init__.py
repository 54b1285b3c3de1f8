"""The use cases CIMS offers: what a caller can ask the core to do."""

from cims.ports.inbound.activity import ActivityService
from cims.ports.inbound.customers import (
    CustomerFilters,
    CustomerService,
    Registration,
)
from cims.ports.inbound.kyc import (
    SCHEDULER,
    SYSTEM,
    Actor,
    KycService,
    KycWorkflow,
    RescreenReport,
)
from cims.ports.inbound.relay import EventRelay

__all__ = [
    "SCHEDULER",
    "SYSTEM",
    "ActivityService",
    "Actor",
    "CustomerFilters",
    "CustomerService",
    "EventRelay",
    "KycService",
    "KycWorkflow",
    "Registration",
    "RescreenReport",
]
