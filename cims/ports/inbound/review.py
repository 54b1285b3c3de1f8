"""The duplicate review queue and incremental matching of new customers.

`DuplicateMatcher` runs inside the unit of work that stores a new customer:
candidates come from the retrieval keys, each is scored with `score_pair`,
and per configured thresholds the newcomer is merged into an existing
customer, queued for review with it, or left alone. Auto-merge is off for
every source by default: a bank should let a person confirm before two
customers become one, so API creations are only queued.

`ReviewService` lists open reviews and records a reviewer's decision: a
confirmation merges the pair (the older id survives, so repeated runs pick
the same survivor); a rejection is remembered with a fingerprint of both
records, and the pair is not suggested again until either record changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import attrs

from cims.domain.customer import Customer
from cims.domain.errors import FieldError, InvalidInput
from cims.domain.matching import MatchSettings, PairDecision
from cims.domain.matching.comparison import comparison_fields
from cims.domain.matching.model import default_parameters
from cims.domain.matching.ranking import Ranker
from cims.domain.review import (
    DuplicateReview,
    ReviewNotFound,
    Status,
    open_review,
    pair_fingerprint,
)
from cims.domain.search_keys import customer_match_keys, person_record
from cims.ports.inbound.kyc import SYSTEM, Actor
from cims.ports.inbound.merging import MergeService, resolve_in
from cims.ports.outbound.clock import Clock
from cims.ports.outbound.unit_of_work import UnitOfWork

CANDIDATES = 50
MAX_QUEUED_PER_CUSTOMER = 5
MAX_PAGE = 200


@attrs.frozen
class MatchingPolicy:
    """How a new customer is matched against existing ones.

    `auto_merge_sources` names the sources whose records may be merged
    without a person (at or above the match threshold); none by default.
    """

    settings: MatchSettings = attrs.field(factory=MatchSettings)
    auto_merge_sources: frozenset[str] = frozenset()
    enabled: bool = True


@attrs.frozen
class MatchOutcome:
    merged_into: str | None
    queued: tuple[str, ...]


class DuplicateMatcher:
    def __init__(
        self,
        merges: MergeService,
        clock: Clock,
        policy: MatchingPolicy = MatchingPolicy(),
    ) -> None:
        self._merges = merges
        self._clock = clock
        self._policy = policy = policy or MatchingPolicy()
        settings = policy.settings
        self._parameters = default_parameters(comparison_fields(settings.extra_fields))
        # One ranker for the matcher's life: it scores as score_pair does but
        # prepares the new record once and caches scores per agreement pattern.
        self._ranker = Ranker(settings, self._parameters)

    def match_new(
        self, uow: UnitOfWork, customer: Customer, source: str
    ) -> MatchOutcome:
        """Match a customer just stored in `uow` against existing customers."""
        if not self._policy.enabled:
            return MatchOutcome(None, ())
        found = {
            other.id: other
            for other in uow.customers.search(customer_match_keys(customer), CANDIDATES)
            if other.id != customer.id
        }
        ranked = self._ranker.rank(
            [person_record(customer)], [person_record(o) for o in found.values()]
        )
        decisions = [(found[decision.record_b], decision) for decision in ranked]

        settings = self._policy.settings
        best = decisions[0] if decisions else None
        if (
            best is not None
            and source in self._policy.auto_merge_sources
            and best[1].evidence.probability >= settings.match_threshold
        ):
            # The older id survives, whichever record arrived first.
            survivor, absorbed = sorted((best[0].id, customer.id))
            merged = self._merges.merge_in(
                uow, survivor, [absorbed], SYSTEM, f"auto-merge ({source})"
            )
            return MatchOutcome(merged.id, ())

        queued: list[str] = []
        for other, decision in decisions:
            if decision.evidence.probability < settings.possible_threshold:
                break
            if len(queued) == MAX_QUEUED_PER_CUSTOMER:
                # A reviewer needs the strongest candidates, not every copy of
                # a record imported fifty times; the rest share their fate once
                # those are merged (the dedup job finds any left).
                break
            if queue_pair(uow, customer, other, decision, self._clock):
                queued.append(other.id)
        return MatchOutcome(None, tuple(queued))


def queue_pair(
    uow: UnitOfWork, a: Customer, b: Customer, decision: PairDecision, clock: Clock
) -> bool:
    """Open (or reopen) a review for a pair; False when the pair stays closed.

    A rejected pair reopens only when its fingerprint changed; a merged or
    still-open pair is left as it is.
    """
    fingerprint = pair_fingerprint(person_record(a), person_record(b))
    review = open_review(decision, fingerprint, clock.now())
    existing = uow.reviews.get(review.pair_id)
    if existing is None:
        uow.reviews.add(review)
        return True
    if existing.status == "rejected" and existing.fingerprint != fingerprint:
        uow.reviews.update(
            attrs.evolve(review, version=existing.version + 1), existing.version
        )
        return True
    return False


class ReviewService:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        merges: MergeService,
        clock: Clock,
        settings: MatchSettings | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._merges = merges
        self._clock = clock
        self._settings = settings or MatchSettings()

    def list(
        self, status: Status = "open", after: str | None = None, limit: int = 50
    ) -> Sequence[DuplicateReview]:
        if not 1 <= limit <= MAX_PAGE:
            raise InvalidInput(
                f"limit must be between 1 and {MAX_PAGE}; got {limit}",
                [FieldError("limit", f"must be between 1 and {MAX_PAGE}")],
            )
        if status not in ("open", "merged", "rejected"):
            raise InvalidInput(
                f"status must be open, merged or rejected; got {status!r}",
                [FieldError("status", "must be open, merged or rejected")],
            )
        with self._unit_of_work() as uow:
            return uow.reviews.list(status, after, limit)

    def get(self, review_id: str) -> DuplicateReview:
        with self._unit_of_work() as uow:
            return _review(uow, review_id)

    def confirm(self, review_id: str, actor: Actor, reason: str) -> DuplicateReview:
        """Merge the pair (older id survives) and close the review as merged."""
        with self._unit_of_work() as uow:
            review = _review(uow, review_id)
            decided = review.decided("merged", actor.name, reason, self._clock.now())
            # One person can sit in several reviews; an earlier confirmation
            # may have merged one side away already, so merge where each side
            # lives now. Both already one customer: nothing left to merge.
            current = {
                resolve_in(uow, customer_id).id for customer_id in review.customer_ids
            }
            if len(current) == 2:
                survivor, absorbed = sorted(current)
                self._merges.merge_in(uow, survivor, [absorbed], actor, reason)
            uow.reviews.update(decided, review.version)
            uow.commit()
        return decided

    def reject(self, review_id: str, actor: Actor, reason: str) -> DuplicateReview:
        """Not the same person: remember it until either record changes."""
        with self._unit_of_work() as uow:
            review = _review(uow, review_id)
            decided = review.decided("rejected", actor.name, reason, self._clock.now())
            uow.reviews.update(decided, review.version)
            uow.commit()
        return decided

    def queue(self, decisions: Sequence[PairDecision]) -> int:
        """Queue possible matches found elsewhere (the batch dedup job); return
        how many reviews were opened. Pairs naming a missing customer are skipped."""
        opened = 0
        with self._unit_of_work() as uow:
            for decision in decisions:
                a = uow.customers.get(decision.record_a)
                b = uow.customers.get(decision.record_b)
                if (
                    a is not None
                    and b is not None
                    and queue_pair(uow, a, b, decision, self._clock)
                ):
                    opened += 1
            uow.commit()
        return opened


def _review(uow: UnitOfWork, review_id: str) -> DuplicateReview:
    review = uow.reviews.get(review_id)
    if review is None:
        raise ReviewNotFound(review_id)
    return review
