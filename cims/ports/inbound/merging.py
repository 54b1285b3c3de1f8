"""Merging and unmerging customers; resolving merged ids; lineage and history.

A merge keeps the survivor's id. The survivor's profile becomes the golden
record of all sources (its own and the absorbed customers'), chosen by the
survivorship rules; the absorbed customers are removed and their ids redirect
to the survivor. An unmerge takes one absorbed customer's sources back out,
recomputes the survivor, and restores the absorbed customer from the snapshot
kept at merge time. CUSTOMERS_MERGED / CUSTOMER_UNMERGED let other systems
re-key.

LIMITATION: a merge does not re-screen the survivor or combine KYC cases;
the survivor keeps its own KYC case and status, an absorbed customer's case
stays under its old id (and is there again after an unmerge).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from cims.domain.customer import Customer, revise_customer
from cims.domain.customer_document import ValidationPolicy, changed_fields
from cims.domain.customer_sources import (
    customer_snapshot,
    first_lineage,
    golden_profile,
    restore_snapshot,
)
from cims.domain.errors import CustomerNotFound, FieldError, InvalidInput
from cims.domain.events import (
    CustomersMerged,
    CustomerUnmerged,
    CustomerUpdated,
    DomainEvent,
)
from cims.domain.lineage import (
    CustomerLineage,
    MergeRefused,
    merge_lineages,
    unmerge_lineage,
)
from cims.domain.survivorship import DEFAULT_RULES, GoldenRecord, SurvivorshipRules
from cims.ports.inbound.kyc import SYSTEM, Actor
from cims.ports.outbound.clock import Clock, IdFactory
from cims.ports.outbound.unit_of_work import UnitOfWork

# A chain of redirects longer than this is a loop or corruption, not history.
MAX_REDIRECTS = 20
MAX_MERGE = 20


@attrs.frozen
class Resolved:
    """The customer an id leads to; `requested_id` differs when it was merged."""

    customer: Customer
    requested_id: str

    @property
    def merged_into(self) -> str | None:
        if self.requested_id == self.customer.id:
            return None
        return self.customer.id


@attrs.frozen
class LineageView:
    lineage: CustomerLineage
    golden: GoldenRecord


class MergeService:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        ids: IdFactory,
        policy: ValidationPolicy = ValidationPolicy(),
        rules: SurvivorshipRules = DEFAULT_RULES,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._ids = ids
        self._policy = policy
        self._rules = rules

    def resolve(self, customer_id: str) -> Resolved:
        """The customer, or the one it was merged into (following every merge)."""
        with self._unit_of_work() as uow:
            return Resolved(resolve_in(uow, customer_id), customer_id)

    def lineage(self, customer_id: str) -> LineageView:
        """Sources, merge history and the provenance of every golden value."""
        with self._unit_of_work() as uow:
            customer = _existing(uow, customer_id)
            lineage = uow.lineage.get(customer_id) or first_lineage(customer)
        _, golden = golden_profile(
            lineage, self._rules, self._policy, self._clock.now().date()
        )
        return LineageView(lineage, golden)

    def merge(
        self,
        survivor_id: str,
        merged_ids: Sequence[str],
        actor: Actor = SYSTEM,
        reason: str = "",
    ) -> Customer:
        """Merge customers into `survivor_id`; one atomic change.

        Raises:
            CustomerNotFound: an id names no customer.
            MergeRefused: an id is the survivor, repeated, or merged already.
        """
        _check_ids(survivor_id, merged_ids)
        with self._unit_of_work() as uow:
            survivor = self.merge_in(uow, survivor_id, merged_ids, actor, reason)
            uow.commit()
        return survivor

    def merge_in(
        self,
        uow: UnitOfWork,
        survivor_id: str,
        merged_ids: Sequence[str],
        actor: Actor,
        reason: str,
    ) -> Customer:
        """The merge inside a caller's unit of work (review, incremental matching)."""
        now = self._clock.now()
        survivor = _existing(uow, survivor_id)
        stored = uow.lineage.get(survivor_id)
        lineage = stored or first_lineage(survivor)
        for merged_id in merged_ids:
            absorbed = _existing(uow, merged_id)
            absorbed_stored = uow.lineage.get(merged_id)
            absorbed_lineage = absorbed_stored or first_lineage(absorbed)
            lineage, redirect = merge_lineages(
                lineage,
                absorbed_lineage,
                customer_snapshot(absorbed),
                actor.name,
                reason,
                now,
            )
            _save_lineage(uow, absorbed_stored, redirect)
            uow.customers.remove(merged_id, absorbed.version)
        _save_lineage(uow, stored, lineage)

        profile, _ = golden_profile(lineage, self._rules, self._policy, now.date())
        revised = revise_customer(survivor, profile, None, now)
        events: list[DomainEvent] = [
            CustomersMerged(
                event_id=self._ids.new_id(),
                customer_id=survivor_id,
                occurred_at=now,
                merged_ids=tuple(merged_ids),
            )
        ]
        if revised != survivor:
            uow.customers.update(revised, survivor.version)
            events.append(_updated(self._ids, survivor, revised))
        uow.outbox.add(events)
        return revised

    def unmerge(
        self,
        survivor_id: str,
        restored_id: str,
        actor: Actor = SYSTEM,
        reason: str = "",
    ) -> tuple[Customer, Customer]:
        """Split `restored_id` off `survivor_id`; return (survivor, restored).

        The restored customer comes back with the profile, KYC status and
        creation time it had when merged; its version moves on by one so a
        tag read before the merge no longer matches.

        Raises:
            CustomerNotFound: the survivor does not exist.
            MergeRefused: `restored_id` is not merged into the survivor.
        """
        now = self._clock.now()
        with self._unit_of_work() as uow:
            survivor = _existing(uow, survivor_id)
            stored = uow.lineage.get(survivor_id)
            if stored is None:
                raise MergeRefused(
                    f"customer {restored_id} is not merged into {survivor_id}"
                )
            remaining, restored_lineage, snapshot = unmerge_lineage(
                stored, restored_id, actor.name, reason, now
            )
            redirect = uow.lineage.get(restored_id)
            _save_lineage(uow, stored, remaining)
            _save_lineage(uow, redirect, restored_lineage)

            before = restore_snapshot(snapshot, self._policy, now.date())
            restored = attrs.evolve(before, version=before.version + 1)
            uow.customers.add(restored)

            profile, _ = golden_profile(
                remaining, self._rules, self._policy, now.date()
            )
            revised = revise_customer(survivor, profile, None, now)
            events: list[DomainEvent] = [
                CustomerUnmerged(
                    event_id=self._ids.new_id(),
                    customer_id=survivor_id,
                    occurred_at=now,
                    restored_id=restored_id,
                )
            ]
            if revised != survivor:
                uow.customers.update(revised, survivor.version)
                events.append(_updated(self._ids, survivor, revised))
            uow.outbox.add(events)
            uow.commit()
        return revised, restored


def resolve_in(uow: UnitOfWork, customer_id: str) -> Customer:
    current = customer_id
    for _ in range(MAX_REDIRECTS):
        customer = uow.customers.get(current)
        if customer is not None:
            return customer
        lineage = uow.lineage.get(current)
        if lineage is None or lineage.merged_into is None:
            break
        current = lineage.merged_into
    raise CustomerNotFound(customer_id)


def _save_lineage(
    uow: UnitOfWork, stored: CustomerLineage | None, lineage: CustomerLineage
) -> None:
    if stored is None:
        uow.lineage.add(attrs.evolve(lineage, version=1))
    else:
        uow.lineage.update(
            attrs.evolve(lineage, version=stored.version + 1), stored.version
        )


def _existing(uow: UnitOfWork, customer_id: str) -> Customer:
    customer = uow.customers.get(customer_id)
    if customer is not None:
        return customer
    lineage = uow.lineage.get(customer_id)
    if lineage is not None and lineage.merged_into is not None:
        raise MergeRefused(
            f"customer {customer_id} was merged into {lineage.merged_into}"
        )
    raise CustomerNotFound(customer_id)


def _check_ids(survivor_id: str, merged_ids: Sequence[str]) -> None:
    if not merged_ids or len(merged_ids) > MAX_MERGE:
        raise InvalidInput(
            f"mergedIds must name 1 to {MAX_MERGE} customers; got {len(merged_ids)}",
            [FieldError("mergedIds", f"must name 1 to {MAX_MERGE} customers")],
        )
    if survivor_id in merged_ids or len(set(merged_ids)) != len(merged_ids):
        raise InvalidInput(
            "mergedIds must not repeat an id or name the survivor",
            [FieldError("mergedIds", "must not repeat an id or name the survivor")],
        )


def _updated(ids: IdFactory, before: Customer, after: Customer) -> CustomerUpdated:
    return CustomerUpdated(
        event_id=ids.new_id(),
        customer_id=after.id,
        occurred_at=after.updated_at,
        changes=changed_fields(before, after),
    )
