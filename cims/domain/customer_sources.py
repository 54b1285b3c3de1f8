"""A customer's source records: requests as sources, golden profiles, snapshots."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from cims.domain.customer import Customer, CustomerProfile
from cims.domain.customer_document import (
    ValidationPolicy,
    profile_document,
    read_profile,
)
from cims.domain.lineage import API_SOURCE, CustomerLineage
from cims.domain.source_feeds import SourceRecord
from cims.domain.survivorship import GoldenRecord, SurvivorshipRules, golden_record
from cims.domain.values import KycStatus

Document = dict[str, Any]


def api_source(
    customer_id: str,
    values: Document,
    now: dt.datetime,
    origin: tuple[str, str] | None = None,
) -> SourceRecord:
    """A request kept as a source record: by default source "api", keyed by
    customer id; `origin` (source, key) names another system's record."""
    canonical = json.dumps(values, sort_keys=True, separators=(",", ":"), default=str)
    source, key = origin or (API_SOURCE, customer_id)
    return SourceRecord(
        source=source,
        source_key=key,
        customer_id=customer_id,
        record_hash=hashlib.sha256(canonical.encode()).hexdigest(),
        values=values,
        received_at=now,
    )


def first_lineage(customer: Customer) -> CustomerLineage:
    """The lineage of a customer stored before lineages existed: one API source
    holding the profile as it stands."""
    values = profile_document(customer.profile)
    return CustomerLineage(
        customer.id, (api_source(customer.id, values, customer.updated_at),)
    )


def golden_profile(
    lineage: CustomerLineage,
    rules: SurvivorshipRules,
    policy: ValidationPolicy,
    today: dt.date,
) -> tuple[CustomerProfile, GoldenRecord]:
    golden = golden_record(lineage.sources, rules)
    return read_profile(golden.document, policy, today).profile, golden


def customer_snapshot(customer: Customer) -> Document:
    """The customer exactly as stored, for restoring it after an unmerge."""
    return {
        "id": customer.id,
        "profile": profile_document(customer.profile),
        "kycStatus": customer.kyc_status.value,
        "createdAt": customer.created_at.isoformat(),
        "updatedAt": customer.updated_at.isoformat(),
        "version": customer.version,
    }


def restore_snapshot(
    snapshot: Document, policy: ValidationPolicy, today: dt.date
) -> Customer:
    return Customer(
        id=str(snapshot["id"]),
        profile=read_profile(snapshot["profile"], policy, today).profile,
        kyc_status=KycStatus(snapshot["kycStatus"]),
        created_at=dt.datetime.fromisoformat(snapshot["createdAt"]),
        updated_at=dt.datetime.fromisoformat(snapshot["updatedAt"]),
        version=int(snapshot["version"]),
    )
