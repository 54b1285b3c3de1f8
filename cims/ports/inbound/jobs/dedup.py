"""The dedup job: find customers who are the same person, over everyone stored.

Customers are read page by page (a stop request is honoured between pages),
turned into the matching engine's `PersonRecord`s, and compared in one pass
of `find_duplicates`: blocking keeps that from comparing everyone with
everyone. The groups found and the pairs left for review are saved as a
report; merging them is a decision for a person (or a later merge job).

LIMITATION: the whole customer base is held as compact person records in
memory for the comparison (about 1 KB each); there is nothing to resume, so
a stopped dedup starts over next time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from cims.domain.customer import Customer
from cims.domain.matching import MatchSettings, PersonRecord, find_duplicates
from cims.ports.inbound.jobs.runner import JobContext, JobStopped
from cims.ports.inbound.review import ReviewService
from cims.ports.outbound.jobs import DuplicateReports
from cims.ports.outbound.repositories import CustomerQuery
from cims.ports.outbound.unit_of_work import UnitOfWork


class DedupJob:
    name = "dedup"

    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        reports: DuplicateReports,
        settings: MatchSettings | None = None,
        page_size: int = 500,
        reviews: ReviewService | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._reports = reports
        self._reviews = reviews
        self._settings = settings
        self._page_size = page_size

    def run(self, context: JobContext) -> None:
        records = list(self._records(context))
        result = find_duplicates(records, self._settings)

        context.count("customers", len(records))
        context.count("candidate_pairs", result.stats.candidate_pairs)
        context.count("groups", len(result.groups))
        context.count(
            "duplicates", sum(len(group.record_ids) - 1 for group in result.groups)
        )
        context.count("possible_matches", len(result.possible_matches))
        if self._reviews is not None:
            # Every pair found goes to the review queue; a person merges. A
            # rejected pair stays rejected unless either record changed, so
            # re-runs do not nag, and a confirmed merge keeps the older id.
            pairs = [
                *result.possible_matches,
                *(pair for group in result.groups for pair in group.pairs),
            ]
            context.count("reviews_opened", self._reviews.queue(pairs))
        where = self._reports.save(context.run.run_id, result)
        context.where = f"report {where}"

    def _records(self, context: JobContext) -> Iterator[PersonRecord]:
        after: str | None = None
        read = 0
        while True:
            with self._unit_of_work() as uow:
                page = uow.customers.list(
                    CustomerQuery(after=after, limit=self._page_size)
                )
            for customer in page.customers:
                yield person_record(customer)
            read += len(page.customers)
            if page.next_after is None:
                return
            after = page.next_after
            if context.stop_requested():
                raise JobStopped(f"customers, {read} read (dedup starts over)")


def person_record(customer: Customer) -> PersonRecord:
    profile = customer.profile
    postal = profile.postal_address
    phone = profile.phone
    return PersonRecord(
        record_id=customer.id,
        given_name=profile.first_name,
        surname=profile.last_name,
        date_of_birth=profile.date_of_birth,
        email=str(profile.email) if profile.email else None,
        phone=(phone.e164 or phone.entered) if phone else None,
        address_line=(postal.lines[0] if postal and postal.lines else profile.address),
        postcode=postal.postal_code if postal else None,
        city=postal.city if postal else None,
        country=(postal.country if postal else None) or profile.nationality,
    )
