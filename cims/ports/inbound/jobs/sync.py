"""The sync job: import source-system feed files and upsert the customers they name.

Each row is looked up by (source, source key). A row whose mapped values hash
as last time is unchanged and touches nothing; a new key registers a
customer; a known key amends its customer with the mapped fields (a merge
patch, so fields the source does not map stay as they are). Rows that cannot
be read, mapped or validated are rejected with the reason per field. Every
row read is counted once as created, updated, unchanged or rejected.

Upserts go through `CustomerService`, so validation and events are the same
as over the API. A registration carries an idempotency key made of the
source, the key and the row's hash: if a run is killed after registering a
customer but before recording the source record, the repeat of that chunk
replays the registration instead of creating the customer twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from cims.domain.customer_document import ValidationPolicy, read_profile
from cims.domain.errors import CustomerNotFound, FieldError, InvalidInput
from cims.domain.source_feeds import (
    MappedRow,
    Rejection,
    SourceMapping,
    SourceRecord,
)
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.jobs.runner import InputProgress, JobContext
from cims.ports.inbound.kyc import KycWorkflow
from cims.ports.inbound.review import DuplicateMatcher
from cims.ports.outbound.clock import Clock, IdFactory
from cims.ports.outbound.feeds import FeedInbox, FeedRow, SourceRecordRepository
from cims.ports.outbound.unit_of_work import UnitOfWork

CREATED = "created"
UPDATED = "updated"
UNCHANGED = "unchanged"
REJECTED = "rejected"
OUTCOMES = (CREATED, UPDATED, UNCHANGED, REJECTED)


class SyncJob:
    name = "sync"

    def __init__(
        self,
        sources: Sequence[SourceMapping],
        inbox: FeedInbox,
        source_records: SourceRecordRepository,
        unit_of_work: Callable[[], UnitOfWork],
        clock: Clock,
        ids: IdFactory,
        chunk_size: int = 500,
        matcher: DuplicateMatcher | None = None,
        kyc: KycWorkflow | None = None,
    ) -> None:
        self._matcher = matcher
        # The deployment's KYC workflow, so imported customers are screened
        # against the real sanctions list as API registrations are.
        self._kyc = kyc
        self._sources = sources
        self._inbox = inbox
        self._records = source_records
        self._unit_of_work = unit_of_work
        self._clock = clock
        self._ids = ids
        self._chunk_size = chunk_size

    def run(self, context: JobContext) -> None:
        for source in self._sources:
            customers = CustomerService(
                self._unit_of_work,
                self._clock,
                self._ids,
                ValidationPolicy(default_region=source.default_region),
                kyc=self._kyc,
                # New customers are matched at once against existing ones.
                matcher=self._matcher,
            )
            for name in self._inbox.files(source):
                progress = context.input(
                    f"{source.name}:{name}", self._inbox.count_rows(name)
                )
                self._import(source, name, customers, progress)

    def _import(
        self,
        source: SourceMapping,
        name: str,
        customers: CustomerService,
        progress: InputProgress,
    ) -> None:
        if progress.resumed:
            self._inbox.forget_rejects_after(name, progress.position)
        rows = self._inbox.rows(name, source, progress.position)

        for chunk in progress.chunks(
            ((row.line, row) for row in rows), self._chunk_size
        ):
            rejections: list[Rejection] = []
            stored: dict[str, SourceRecord] = {}
            for _line, row in chunk:
                progress.count("read")
                outcome = self._upsert(source, name, customers, row, stored)
                if isinstance(outcome, Rejection):
                    rejections.append(outcome)
                    outcome = REJECTED
                progress.count(outcome)
            # One write per chunk, before its checkpoint. A run killed before
            # it does the chunk again: registrations replay by their
            # idempotency key, amendments change nothing the second time.
            self._records.put_many(list(stored.values()))
            if rejections:
                self._inbox.reject(name, rejections)

        # Forget the checkpoint before archiving: a run killed in between
        # reads the file again from the start, and every row is unchanged.
        progress.finish()
        self._inbox.archive(name)

    def _upsert(
        self,
        source: SourceMapping,
        name: str,
        customers: CustomerService,
        row: FeedRow,
        stored: dict[str, SourceRecord],
    ) -> str | Rejection:
        if row.values is None:
            problem = row.problem or "cannot be read"
            return Rejection(row.line, row.raw, (FieldError("", problem),))
        mapped = source.map_row(row.values)
        if mapped.errors:
            return Rejection(row.line, row.raw, self._all_errors(source, mapped))

        record_hash = mapped.record_hash
        known = stored.get(mapped.source_key) or self._records.get(
            source.name, mapped.source_key
        )
        if known is not None and known.record_hash == record_hash:
            return UNCHANGED

        try:
            if known is None:
                registration = customers.register(
                    mapped.registration(),
                    idempotency_key=(
                        f"sync:{source.name}:{mapped.source_key}:{record_hash[:32]}"
                    ),
                    origin=(source.name, mapped.source_key),
                )
                customer_id, outcome = registration.customer_id, CREATED
            else:
                # Counted as updated even if the customer already held these
                # values (a repeat after a crash): the source record changed.
                customers.amend(
                    known.customer_id,
                    mapped.patch(),
                    origin=(source.name, mapped.source_key),
                )
                customer_id, outcome = known.customer_id, UPDATED
        except CustomerNotFound:
            reason = (
                f"customer {known.customer_id if known else '?'} fed by this "
                "record was removed; re-register it or delete its source record"
            )
            return Rejection(row.line, row.raw, (FieldError("", reason),))
        except InvalidInput as error:
            return Rejection(row.line, row.raw, error.errors)

        stored[mapped.source_key] = SourceRecord(
            source=source.name,
            source_key=mapped.source_key,
            customer_id=customer_id,
            record_hash=record_hash,
            values=dict(row.values),
            received_at=self._clock.now(),
            file=name,
        )
        return outcome

    def _all_errors(
        self, source: SourceMapping, mapped: MappedRow
    ) -> tuple[FieldError, ...]:
        """Mapping errors, and what validation says about the rest of the row."""
        policy = ValidationPolicy(default_region=source.default_region)
        try:
            read_profile(mapped.registration(), policy, self._clock.now().date())
        except InvalidInput as error:
            mapped_fields = {e.field for e in mapped.errors}
            more = tuple(e for e in error.errors if e.field not in mapped_fields)
            return mapped.errors + more
        return mapped.errors
