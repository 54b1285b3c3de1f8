"""The cleanse job: apply the cleansing rules to every stored customer.

Customers are read in id order, a chunk at a time. Each one's names, e-mail,
phone, countries, date of birth and postal address go through the domain
cleansing rules (`cleanse_fields`). A cleansed value that differs from the
stored one, carries no flag and is not empty is applied through
`CustomerService.amend`, so validation, the KYC re-screen, the
CUSTOMER_UPDATED event and the version bump are exactly those of a PATCH over
the API. Flags (an impossible phone, a future date of birth, an unknown
country...) are reported, never applied: a person decides.

Nothing is lost. The amendment is kept in the customer's lineage as its own
source record, ("cleanse", customer id), beside the records the values came
from (the API's, a feed's), which keep the values as they arrived. Every
customer with a change, a flag or a failure is also written to the cleansing
log with, per field, the original and the cleansed value, what was done, the
flags and the rules version (with the reference libraries' versions).

Every customer read is counted once: `read = changed + unchanged + flagged
+ failed`, where `flagged` means flags and no change. A second run over the
same data changes nothing: the rules are idempotent.

LIMITATION: survivorship ranks the "cleanse" source like any source not in
its trust order, so when customers merge, a trusted source's raw value (the
API's, core banking's) can win an identity field over its cleansed form; the
next cleanse run tidies the survivor again.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol

import attrs

from cims.domain.cleansing import (
    CleansingContext,
    CleansingOutcome,
    CleansingReport,
    CleansingTally,
    RulesVersion,
    cleanse_fields,
)
from cims.domain.customer import Customer
from cims.domain.errors import CustomerNotFound, InvalidInput, VersionConflict
from cims.domain.values import PostalAddress
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.jobs.runner import JobContext
from cims.ports.inbound.kyc import Actor
from cims.ports.outbound.clock import Clock
from cims.ports.outbound.repositories import CustomerQuery
from cims.ports.outbound.unit_of_work import UnitOfWork

CHANGED = "changed"
UNCHANGED = "unchanged"
FLAGGED = "flagged"
FAILED = "failed"
OUTCOMES = (CHANGED, UNCHANGED, FLAGGED, FAILED)
FIELDS_CHANGED = "fields_changed"

INPUT = "customers"
CLEANSE_SOURCE = "cleanse"
CLEANSER = Actor("cims-cleanse")


@attrs.frozen
class FieldCleansing:
    """One field of one customer: as stored, as cleansed, and whether applied."""

    field: str  # the customer document path, e.g. "postalAddress.lines[0]"
    original: object
    cleansed: object
    changes: tuple[str, ...]
    flags: tuple[str, ...]
    applied: bool


@attrs.frozen
class CustomerCleansing:
    """What the job did to one customer, for the cleansing log."""

    customer_id: str
    outcome: str
    fields: tuple[FieldCleansing, ...]
    rules_version: str
    error: str | None = None


@attrs.frozen
class CleansingPlan:
    """The merge patch to apply and every field's outcome."""

    patch: dict[str, Any]
    fields: tuple[FieldCleansing, ...]
    outcomes: tuple[CleansingOutcome[object], ...]

    @property
    def flagged(self) -> bool:
        return any(f.flags for f in self.fields)


class CleansingLog(Protocol):
    """Where a person reads what the cleanse job changed and flagged.

    (The outbound port of this job; it sits here until ports/outbound holds it.)
    """

    def append(self, run_id: str, customers: Sequence[CustomerCleansing]) -> str:
        """Add customers to the run's log (called once per chunk); return where."""
        ...

    def summarise(
        self, run_id: str, report: CleansingReport, counts: Mapping[str, int]
    ) -> str:
        """Keep the run's totals per field, change and flag; return where."""
        ...


class CleanseJob:
    name = "cleanse"

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        customers: CustomerService,
        log: CleansingLog,
        clock: Clock,
        version: RulesVersion | None = None,
        default_region: str = "US",
        chunk_size: int = 500,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._customers = customers
        self._log = log
        self._clock = clock
        self._version = version or RulesVersion()
        self._default_region = default_region
        self._chunk_size = chunk_size

    def run(self, context: JobContext) -> None:
        rules = CleansingContext(
            today=self._clock.now().date(),
            default_region=self._default_region,
            version=self._version,
        )
        tally = CleansingTally()
        progress = context.input(INPUT)
        pages = self._customers_after(
            resume_after(progress.position) if progress.resumed else None
        )

        for chunk in progress.chunks(pages, self._chunk_size):
            logged = []
            for _position, customer in chunk:
                done = self._cleanse(customer, rules, tally)
                progress.count("read")
                progress.count(done.outcome)
                progress.count(FIELDS_CHANGED, sum(f.applied for f in done.fields))
                if done.outcome != UNCHANGED:
                    logged.append(done)
            if logged:
                # Before the checkpoint: a run killed here does the chunk
                # again, and finds the applied changes already made.
                self._log.append(context.run.run_id, logged)

        progress.finish()
        self._log.summarise(context.run.run_id, tally.report(), context.counts)

    def _customers_after(self, after: str | None) -> Iterator[tuple[int, Customer]]:
        while True:
            with self._unit_of_work() as uow:
                page = uow.customers.list(
                    CustomerQuery(after=after, limit=self._chunk_size)
                )
            for customer in page.customers:
                yield id_position(customer.id), customer
            if page.next_after is None:
                return
            after = page.next_after

    def _cleanse(
        self, customer: Customer, rules: CleansingContext, tally: CleansingTally
    ) -> CustomerCleansing:
        label = rules.version.label()
        plan = plan_cleansing(customer, rules)
        if not plan.patch:
            tally.add_record(plan.outcomes)
            outcome = FLAGGED if plan.flagged else UNCHANGED
            return CustomerCleansing(customer.id, outcome, plan.fields, label)

        try:
            applied = self._amend(customer, plan, rules)
        except InvalidInput as error:
            tally.add_record(_flags_only(plan.outcomes))
            reasons = "; ".join(f"{e.field}: {e.message}" for e in error.errors)
            return CustomerCleansing(
                customer.id,
                FAILED,
                tuple(attrs.evolve(f, applied=False) for f in plan.fields),
                label,
                f"the cleansed values did not validate: {reasons}",
            )

        if applied is None:
            tally.add_record(_flags_only(plan.outcomes))
            unapplied = tuple(attrs.evolve(f, applied=False) for f in plan.fields)
            outcome = FLAGGED if plan.flagged else UNCHANGED
            return CustomerCleansing(customer.id, outcome, unapplied, label)
        tally.add_record(applied.outcomes)
        return CustomerCleansing(customer.id, CHANGED, applied.fields, label)

    def _amend(
        self, customer: Customer, plan: CleansingPlan, rules: CleansingContext
    ) -> CleansingPlan | None:
        """Apply the plan; the plan applied, or None when nothing changed.

        The amendment expects the version the plan was made from, so a change
        made meanwhile is never overwritten with a value cleansed from the
        old one: the customer is read and planned again, once.
        """
        for attempt in range(2):
            try:
                revised = self._customers.amend(
                    customer.id,
                    plan.patch,
                    expected_version=customer.version,
                    actor=CLEANSER,
                    origin=(CLEANSE_SOURCE, customer.id),
                )
            except VersionConflict:
                if attempt:
                    raise
                try:
                    customer = self._customers.get(customer.id)
                except CustomerNotFound:
                    return None  # merged away or removed since it was read
                plan = plan_cleansing(customer, rules)
                if not plan.patch:
                    return None
                continue
            except CustomerNotFound:
                return None
            return plan if revised.version != customer.version else None
        return None


def plan_cleansing(customer: Customer, rules: CleansingContext) -> CleansingPlan:
    """Cleanse one customer's fields and build the merge patch of the changes.

    A field goes into the patch only when its cleansed value differs from the
    stored one, is not empty and carries no flag.
    """
    profile = customer.profile
    postal = profile.postal_address
    plan = _Planner()

    core = cleanse_fields(
        {
            "given_name": profile.first_name,
            "surname": profile.last_name,
            "email": str(profile.email) if profile.email else None,
            "phone": profile.phone.entered if profile.phone else None,
            "date_of_birth": profile.date_of_birth,
            # Phones are read in the customer's country, as validation does.
            "country": profile.nationality or (postal.country if postal else None),
        },
        rules,
    )
    plan.field("firstName", profile.first_name, core.get("given_name"))
    plan.field("lastName", profile.last_name, core.get("surname"))
    if profile.email is not None:
        plan.field("email", str(profile.email), core.get("email"))
    if profile.date_of_birth is not None:
        plan.field(
            "dateOfBirth", profile.date_of_birth, core.get("date_of_birth"), apply=False
        )
    if profile.phone is not None and (outcome := core.get("phone")) is not None:
        # A verified number is already shown in E.164 form; only numbers
        # stored as typed are rewritten, with their extension kept.
        extension = outcome.detail("extension")
        cleansed = f"{outcome.value} ext {extension}" if extension else outcome.value
        plan.field(
            "phone",
            profile.phone.entered,
            attrs.evolve(outcome, value=cleansed),
            apply=not profile.phone.verified,
        )
    if profile.nationality is not None:
        nationality = cleanse_fields({"country": profile.nationality}, rules)
        plan.field("nationality", profile.nationality, nationality.get("country"))

    cleansed_postal = postal
    if postal is not None:
        cleansed_postal = _plan_postal(plan, postal, rules)
    _plan_address(plan, profile.address, postal, cleansed_postal, rules)
    return plan.done()


def _plan_postal(
    plan: _Planner, postal: PostalAddress, rules: CleansingContext
) -> PostalAddress:
    parts = cleanse_fields(
        {
            "city": postal.city,
            "postcode": postal.postal_code,
            "country": postal.country,
        },
        rules,
    )
    patch: dict[str, Any] = {}
    lines = list(postal.lines)
    for index, line in enumerate(postal.lines):
        outcome = cleanse_fields({"address_line": line}, rules).get("address_line")
        if plan.field(f"postalAddress.lines[{index}]", line, outcome, patch=False):
            assert outcome is not None
            lines[index] = str(outcome.value)
    if lines != list(postal.lines):
        patch["lines"] = lines

    city = postal.city
    if plan.field("postalAddress.city", city, parts.get("city"), patch=False):
        city = str(parts["city"].value)
        patch["city"] = city
    code = postal.postal_code
    if plan.field("postalAddress.postalCode", code, parts.get("postcode"), patch=False):
        code = str(parts["postcode"].value)
        patch["postalCode"] = code
    country = postal.country
    if plan.field("postalAddress.country", country, parts.get("country"), patch=False):
        country = str(parts["country"].value)
        patch["country"] = country

    if patch:
        plan.patch["postalAddress"] = patch
    return PostalAddress(tuple(lines), city, code, postal.region, country)


def _plan_address(
    plan: _Planner,
    address: str | None,
    postal: PostalAddress | None,
    cleansed_postal: PostalAddress | None,
    rules: CleansingContext,
) -> None:
    if address is None:
        return
    if (
        postal is not None
        and cleansed_postal is not None
        and address == postal.as_text()
    ):
        # The one-line address was made from the postal address when it was
        # stored; it follows the postal address's cleansing.
        following = cleansed_postal.as_text()
        if following != address:
            plan.record(
                FieldCleansing(
                    "address",
                    address,
                    following,
                    ("follows_postal_address",),
                    (),
                    True,
                ),
                None,
            )
            plan.patch["address"] = following
        return
    outcome = cleanse_fields({"address_line": address}, rules).get("address_line")
    plan.field("address", address, outcome)


class _Planner:
    """Collects field outcomes and the patch while a plan is made."""

    def __init__(self) -> None:
        self.patch: dict[str, Any] = {}
        self._fields: list[FieldCleansing] = []
        self._outcomes: list[CleansingOutcome[object]] = []

    def field(
        self,
        path: str,
        stored: object,
        outcome: CleansingOutcome[object] | None,
        apply: bool = True,
        patch: bool = True,
    ) -> bool:
        """Note one field's outcome; True when its cleansed value is to be applied.

        With `patch` the value goes straight into the patch under `path`
        (top-level fields); nested fields are placed by the caller.
        """
        if outcome is None:
            return False
        value = outcome.value
        applies = (
            apply
            and outcome.is_clean
            and value != stored
            and not (isinstance(value, str) and not value.strip())
        )
        if not applies and not outcome.flags:
            return False
        cleansed = value if applies or outcome.flags else stored
        changes = outcome.changes if applies else ()
        self.record(
            FieldCleansing(path, stored, cleansed, changes, outcome.flags, applies),
            attrs.evolve(outcome, field=path, changes=changes),
        )
        if applies and patch:
            self.patch[path] = _document_value(value)
        return applies

    def record(
        self, field: FieldCleansing, outcome: CleansingOutcome[object] | None
    ) -> None:
        self._fields.append(field)
        if outcome is not None:
            self._outcomes.append(outcome)
        elif field.applied:
            self._outcomes.append(
                CleansingOutcome(
                    field=field.field,
                    original=field.original,
                    value=field.cleansed,
                    changes=field.changes,
                )
            )

    def done(self) -> CleansingPlan:
        return CleansingPlan(self.patch, tuple(self._fields), tuple(self._outcomes))


def _document_value(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _flags_only(
    outcomes: Sequence[CleansingOutcome[object]],
) -> list[CleansingOutcome[object]]:
    return [attrs.evolve(o, changes=()) for o in outcomes if o.flags]


# The checkpoint holds an integer position (a BIGINT in SQL), customer ids are
# text. Ids are UUIDs, time-ordered in production, so the position keeps an
# id's leading 56 bits and how many were dropped below them: a resumed run
# lists customers from the smallest id with that prefix, redoing the few that
# share it (ids made in the same millisecond), never skipping one. Small ids
# (the test doubles') are kept whole and resume exactly.
# LIMITATION: ids that are not UUIDs cannot be checkpointed; a stopped run
# then starts over from the first customer (repeating cleansing is harmless).
_KEPT_BITS = 56
_SHIFT_BITS = 7
NO_POSITION = 0


def id_position(customer_id: str) -> int:
    """A checkpoint position at or before `customer_id` in id order."""
    try:
        value = uuid.UUID(customer_id).int
    except ValueError:
        return NO_POSITION
    shift = max(value.bit_length() - _KEPT_BITS, 0)
    # + 1 so that position 0 stays "nothing to resume from".
    return (((value >> shift) << _SHIFT_BITS) | shift) + 1


def resume_after(position: int) -> str | None:
    """The id to list customers after, to resume from a checkpoint `position`."""
    if position <= NO_POSITION:
        return None
    encoded = position - 1
    shift = encoded & ((1 << _SHIFT_BITS) - 1)
    lowest = (encoded >> _SHIFT_BITS) << shift
    if shift == 0:
        return str(uuid.UUID(int=lowest))  # the id itself: it is done
    return str(uuid.UUID(int=lowest - 1))
