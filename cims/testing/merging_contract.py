"""The storage contract for merging and search: retrieval keys, lineage, reviews.

Part of `StorageContract` (which subclasses it); the same `store` fixture.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs
import pytest

from cims.adapters.system import SystemClock, TimeOrderedIds
from cims.domain.errors import CustomerNotFound, VersionConflict
from cims.domain.lineage import CustomerLineage, MergeRefused
from cims.domain.matching import score_pair
from cims.domain.review import open_review
from cims.domain.search_keys import match_keys, person_record
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.merging import MergeService
from cims.ports.inbound.review import DuplicateMatcher, ReviewService
from cims.ports.inbound.search import CustomerSearch, SearchCriteria


def _services(store: Any) -> tuple[CustomerService, MergeService, ReviewService]:
    clock, ids = SystemClock(), TimeOrderedIds()
    merges = MergeService(store.unit_of_work, clock, ids)
    customers = CustomerService(
        store.unit_of_work, clock, ids, matcher=DuplicateMatcher(merges, clock)
    )
    return customers, merges, ReviewService(store.unit_of_work, merges, clock)


def person(first: str, last: str, **more: Any) -> dict[str, Any]:
    return {"firstName": first, "lastName": last, **more}


class MergingContract:
    # --- retrieval keys and fuzzy search --------------------------------

    def test_search_finds_customers_by_typo_diacritics_and_name_order(
        self, store: Any
    ) -> None:
        customers, _, _ = _services(store)
        weiss = customers.register(person("Jürgen", "Weiß")).customer_id
        smith = customers.register(person("John", "Smith")).customer_id
        customers.register(person("Mary", "Jones"))
        search = CustomerSearch(store.unit_of_work)

        assert search.by_name("Juergen Weiss")[0].customer.id == weiss
        assert search.by_name("Weiss, Jurgen")[0].customer.id == weiss
        assert search.by_name("Jhon Smiht")[0].customer.id == smith
        assert search.by_name("Smith John")[0].customer.id == smith

    def test_search_keys_follow_a_changed_and_a_removed_customer(
        self, store: Any
    ) -> None:
        customers, _, _ = _services(store)
        customer_id = customers.register(person("Jane", "Roe")).customer_id
        customers.amend(customer_id, {"lastName": "Doe"})

        with store.unit_of_work() as uow:
            assert [
                c.id for c in uow.customers.search(match_keys("Jane", "Doe"), 10)
            ] == [customer_id]
            assert uow.customers.search({"n:R"}, 10) == []

        customers.remove(customer_id)
        with store.unit_of_work() as uow:
            assert uow.customers.search(match_keys("Jane", "Doe"), 10) == []

    def test_search_ranks_most_shared_keys_first_and_respects_the_limit(
        self, store: Any
    ) -> None:
        customers, _, _ = _services(store)
        born = "1980-02-29"
        exact = customers.register(person("Ann", "Lee", dateOfBirth=born)).customer_id
        customers.register(person("Ann", "Lee"))
        customers.register(person("Bob", "Kay", dateOfBirth=born))

        with store.unit_of_work() as uow:
            keys = match_keys("Ann", "Lee", dt.date(1980, 2, 29))
            found = uow.customers.search(keys, 2)

        assert len(found) == 2
        assert found[0].id == exact

    def test_structured_search_scores_with_the_matching_engine(
        self, store: Any
    ) -> None:
        customers, _, _ = _services(store)
        wanted = customers.register(
            person("Jane", "Roe", dateOfBirth="1980-02-29", email="jane@example.com")
        ).customer_id
        customers.register(person("Jane", "Roe", dateOfBirth="1975-06-01"))

        hits = CustomerSearch(store.unit_of_work).by_fields(
            SearchCriteria(name="Jane Roe", date_of_birth=dt.date(1980, 2, 29))
        )

        assert hits[0].customer.id == wanted
        assert (
            hits[0].decision.evidence.probability
            > hits[1].decision.evidence.probability
        )
        assert {f.field for f in hits[0].decision.evidence.fields} >= {"date_of_birth"}

    # --- lineage, merge and unmerge -------------------------------------

    def test_lineage_writes_check_the_version(self, store: Any) -> None:
        lineage = CustomerLineage("c-1")
        with store.unit_of_work() as uow:
            uow.lineage.add(lineage)
            uow.commit()

        with store.unit_of_work() as uow, pytest.raises(VersionConflict):
            uow.lineage.add(lineage)
        with store.unit_of_work() as uow, pytest.raises(VersionConflict):
            uow.lineage.update(attrs.evolve(lineage, version=3), 2)
        with store.unit_of_work() as uow:
            uow.lineage.update(attrs.evolve(lineage, merged_into="c-2", version=2), 1)
            uow.commit()
        with store.unit_of_work() as uow:
            assert uow.lineage.get("c-1") == attrs.evolve(
                lineage, merged_into="c-2", version=2
            )

    def test_merge_then_unmerge_restores_both_customers(self, store: Any) -> None:
        customers, merges, _ = _services(store)
        a = customers.register(
            person(
                "Jane",
                "Roe",
                email="jane@example.com",
                accounts=[{"accountId": "A-1", "type": "current", "currency": "GBP"}],
            )
        ).customer_id
        b = customers.register(
            person(
                "Jane",
                "Row",
                phone="+44 20 7946 0958",
                accounts=[{"accountId": "B-1", "type": "savings", "currency": "GBP"}],
            )
        ).customer_id
        before_a, before_b = customers.get(a), customers.get(b)

        survivor = merges.merge(a, [b], reason="same person")

        assert {x.account_id for x in survivor.profile.accounts} == {"A-1", "B-1"}
        assert survivor.profile.phone is not None
        resolved = merges.resolve(b)
        assert resolved.customer.id == a and resolved.merged_into == a
        with pytest.raises(CustomerNotFound):
            customers.get(b)

        after_a, restored = merges.unmerge(a, b, reason="different people")

        assert after_a.profile == before_a.profile
        assert restored.profile == before_b.profile
        assert restored.kyc_status == before_b.kyc_status
        assert restored.created_at == before_b.created_at
        assert customers.get(b).profile == before_b.profile
        assert merges.resolve(b).merged_into is None
        history = merges.lineage(a).lineage.history
        assert [(h.action, h.other_id) for h in history] == [
            ("merged", b),
            ("unmerged", b),
        ]

    def test_a_merged_away_customer_cannot_be_merged_again(self, store: Any) -> None:
        customers, merges, _ = _services(store)
        a = customers.register(person("Ann", "Lee")).customer_id
        b = customers.register(person("Bob", "Kay")).customer_id
        c = customers.register(person("Cid", "Moe")).customer_id
        merges.merge(a, [b], reason="x")

        with pytest.raises(MergeRefused):
            merges.merge(c, [b], reason="y")
        merges.merge(c, [a], reason="z")
        assert merges.resolve(b).customer.id == c

    # --- the review queue ------------------------------------------------

    def test_a_likely_duplicate_is_queued_not_merged_by_default(
        self, store: Any
    ) -> None:
        customers, _, reviews = _services(store)
        first = customers.register(
            person("John", "Smith", dateOfBirth="1980-01-02", email="js@example.com")
        ).customer_id
        second = customers.register(
            person("Jon", "Smith", dateOfBirth="1980-01-02", email="js@example.com")
        ).customer_id

        queued = reviews.list()

        assert customers.get(second).id == second
        assert [r.customer_ids for r in queued] == [tuple(sorted((first, second)))]
        assert queued[0].probability >= 0.5

    def test_a_confirmed_review_merges_into_the_older_id(self, store: Any) -> None:
        customers, merges, reviews = _services(store)
        first = customers.register(
            person("John", "Smith", dateOfBirth="1980-01-02")
        ).customer_id
        customers.register(person("Jon", "Smith", dateOfBirth="1980-01-02"))
        review = reviews.list()[0]

        decided = reviews.confirm(review.pair_id, _actor("reviewer"), "same DOB")

        assert decided.status == "merged" and decided.decided_by == "reviewer"
        assert reviews.list() == []
        assert [r.pair_id for r in reviews.list("merged")] == [review.pair_id]
        assert merges.lineage(first).lineage.merges[0].merged_id == max(
            review.customer_ids
        )

    def test_confirming_every_review_of_one_person_leaves_one_customer(
        self, store: Any
    ) -> None:
        customers, merges, reviews = _services(store)
        ids = [
            customers.register(
                person(given, "Smith", dateOfBirth="1980-01-02")
            ).customer_id
            for given in ("John", "Jon", "Johnn")
        ]
        pending = reviews.list()

        for review in pending:
            reviews.confirm(review.pair_id, _actor("reviewer"), "same person")

        assert len(pending) >= 2
        assert reviews.list() == []
        assert {merges.resolve(customer_id).customer.id for customer_id in ids} == {
            min(ids)
        }

    def test_a_rejected_pair_comes_back_only_when_its_data_changes(
        self, store: Any
    ) -> None:
        customers, _, reviews = _services(store)
        a = customers.register(
            person("John", "Smith", dateOfBirth="1980-01-02")
        ).customer_id
        b = customers.register(
            person("Jon", "Smith", dateOfBirth="1980-01-02")
        ).customer_id
        review = reviews.list()[0]
        reviews.reject(review.pair_id, _actor("reviewer"), "twins")

        with store.unit_of_work() as uow:
            ca, cb = uow.customers.get(a), uow.customers.get(b)
        decision = score_pair(person_record(ca), person_record(cb))
        assert reviews.queue([decision]) == 0

        customers.amend(b, {"email": "jon@example.com"})
        with store.unit_of_work() as uow:
            cb = uow.customers.get(b)
        decision = score_pair(person_record(ca), person_record(cb))
        assert reviews.queue([decision]) == 1
        assert reviews.list()[0].status == "open"

    def test_reviews_list_by_status_in_pages(self, store: Any) -> None:
        now = SystemClock().now()
        decision = score_pair(person_record_of("a"), person_record_of("b"))
        with store.unit_of_work() as uow:
            for left, right in (("a", "b"), ("a", "c"), ("b", "c")):
                review = open_review(
                    attrs.evolve(decision, record_a=left, record_b=right), "f", now
                )
                uow.reviews.add(review)
            uow.commit()

        with store.unit_of_work() as uow:
            first = uow.reviews.list("open", None, 2)
            rest = uow.reviews.list("open", first[-1].pair_id, 2)
            assert [r.pair_id for r in [*first, *rest]] == ["a~b", "a~c", "b~c"]
            assert uow.reviews.list("rejected", None, 10) == []


def person_record_of(record_id: str) -> Any:
    from cims.domain.matching import PersonRecord

    return PersonRecord(record_id, given_name="Ann", surname="Lee")


def _actor(name: str) -> Any:
    from cims.ports.inbound.kyc import Actor

    return Actor(name)
