"""The storage contract: behaviour every customer store must show.

A storage adapter's tests subclass `StorageContract` and provide a `store`
fixture: a fresh, empty store with `unit_of_work()` and the outbox reader
methods `pending(limit)` and `mark_published(positions)`:

    class TestMyStore(StorageContract):
        @pytest.fixture
        def store(self):
            store = MyStore()
            yield store
            store.close()

Needs pytest and hypothesis (the `test` extra).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

from cims.adapters.system import SystemClock, TimeOrderedIds
from cims.domain.customer import Customer, CustomerProfile, register_customer
from cims.domain.errors import CustomerNotFound, DuplicateRequest, VersionConflict
from cims.domain.events import CustomerCreated
from cims.domain.values import KycStatus
from cims.ports.inbound.activity import ActivityService
from cims.ports.inbound.customers import CustomerFilters, CustomerService
from cims.ports.inbound.kyc import Actor
from cims.ports.outbound.events import OutboxMessage
from cims.ports.outbound.idempotency import IdempotentResponse
from cims.ports.outbound.repositories import CustomerQuery
from cims.ports.outbound.unit_of_work import UnitOfWork
from cims.testing.domain_strategies import customers
from cims.testing.merging_contract import MergingContract


class Store(Protocol):
    def unit_of_work(self) -> UnitOfWork: ...

    def pending(self, limit: int) -> Sequence[OutboxMessage]: ...

    def mark_published(self, positions: Sequence[int]) -> None: ...


def jane(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "firstName": "Jane",
        "lastName": "Roe",
        "email": "Jane.Roe@Example.COM",
        "phone": "+44 20 7946 0958",
        "nationality": "GB",
        "dateOfBirth": "1980-02-29",
        "accounts": [{"accountId": "GB-001", "type": "current", "currency": "GBP"}],
    }
    document.update(changes)
    return document


def drain(store: Store) -> list[OutboxMessage]:
    """Every pending message, marked published so the next drain is empty."""
    messages = list(store.pending(1000))
    store.mark_published([message.position for message in messages])
    return messages


def service_for(store: Store) -> CustomerService:
    return CustomerService(store.unit_of_work, SystemClock(), TimeOrderedIds())


def plain_customer(last_name: str = "Doe", customer_id: str | None = None) -> Customer:
    """A customer built directly, bypassing the service (no events, no keys)."""
    return register_customer(
        customer_id or str(uuid.uuid4()),
        CustomerProfile(first_name="Sam", last_name=last_name),
        None,
        SystemClock().now(),
    )


def stored(store: Store, customer_id: str) -> Customer | None:
    with store.unit_of_work() as uow:
        return uow.customers.get(customer_id)


def add(store: Store, customer: Customer) -> None:
    with store.unit_of_work() as uow:
        uow.customers.add(customer)
        uow.commit()


def all_pages(
    store: Store, query: CustomerQuery, between_pages: Callable[[], None] = lambda: None
) -> Iterator[Customer]:
    after = None
    while True:
        with store.unit_of_work() as uow:
            page = uow.customers.list(attrs.evolve(query, after=after))
        yield from page.customers
        if page.next_after is None:
            return
        after = page.next_after
        between_pages()


def in_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in `count` threads released together; results or errors."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = work(index)
        except Exception as ex:  # handed back to the test to assert on
            results[index] = ex

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


class StorageContract(MergingContract):
    """Subclass and provide a `store` fixture (fresh and empty for each test)."""

    # --- customers through the use cases -------------------------------

    def test_a_registered_customer_reads_back_as_registered(self, store: Store) -> None:
        service = service_for(store)

        registration = service.register(jane())
        customer = service.get(registration.customer_id)

        assert customer.version == 1
        assert customer.kyc_status is KycStatus.PENDING
        assert customer.profile.email is not None
        assert customer.profile.email.address == "Jane.Roe@example.com"
        assert customer.profile.phone is not None
        assert customer.profile.phone.e164 == "+442079460958"
        assert [a.account_id for a in customer.profile.accounts] == ["GB-001"]

    def test_replacing_a_customer_stores_the_new_profile_at_the_next_version(
        self, store: Store
    ) -> None:
        service = service_for(store)
        customer_id = service.register(jane()).customer_id

        service.replace(customer_id, jane(lastName="Smith"), expected_version=1)
        customer = service.get(customer_id)

        assert customer.profile.last_name == "Smith"
        assert customer.version == 2

    def test_amending_a_customer_changes_only_the_patched_fields(
        self, store: Store
    ) -> None:
        service = service_for(store)
        customer_id = service.register(jane()).customer_id
        before = service.get(customer_id)

        service.amend(customer_id, {"address": "9 Elm Rd"})
        after = service.get(customer_id)

        assert after.profile.address == "9 Elm Rd"
        assert attrs.evolve(after.profile, address=before.profile.address) == (
            before.profile
        )
        assert after.kyc_status is before.kyc_status
        assert after.version == before.version + 1

    def test_a_removed_customer_is_no_longer_found(self, store: Store) -> None:
        service = service_for(store)
        customer_id = service.register(jane()).customer_id

        service.remove(customer_id, expected_version=1)

        with pytest.raises(CustomerNotFound):
            service.get(customer_id)
        assert list(service.list().customers) == []

    def test_a_change_from_a_stale_version_is_refused(self, store: Store) -> None:
        service = service_for(store)
        customer_id = service.register(jane()).customer_id
        service.amend(customer_id, {"lastName": "Smith"})

        with pytest.raises(VersionConflict):
            service.amend(customer_id, {"lastName": "Jones"}, expected_version=1)
        assert service.get(customer_id).profile.last_name == "Smith"

    # --- the repository directly ----------------------------------------

    # One fresh store serves every example (ids are random, so they never
    # collide), and every backend runs the same method: both health checks
    # would flag exactly what the contract intends.
    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.differing_executors,
        ],
    )
    @given(customer=customers())
    def test_any_customer_reads_back_equal_to_what_was_added(
        self, store: Store, customer: Customer
    ) -> None:
        add(store, customer)

        assert stored(store, customer.id) == customer

    def test_an_unknown_id_reads_as_none(self, store: Store) -> None:
        assert stored(store, "no-such-customer") is None

    def test_adding_an_existing_id_is_a_conflict(self, store: Store) -> None:
        customer = plain_customer()
        add(store, customer)

        with pytest.raises(VersionConflict) as raised:
            add(store, plain_customer(customer_id=customer.id, last_name="Other"))
        assert raised.value.actual == 1
        assert stored(store, customer.id) == customer

    def test_an_update_from_the_stored_version_is_kept(self, store: Store) -> None:
        customer = plain_customer()
        add(store, customer)
        changed = attrs.evolve(customer, kyc_status=KycStatus.VERIFIED, version=2)

        with store.unit_of_work() as uow:
            uow.customers.update(changed, expected_version=1)
            uow.commit()

        assert stored(store, customer.id) == changed

    def test_an_update_from_another_version_conflicts_and_changes_nothing(
        self, store: Store
    ) -> None:
        customer = plain_customer()
        add(store, customer)
        changed = attrs.evolve(customer, kyc_status=KycStatus.VERIFIED, version=4)

        with pytest.raises(VersionConflict) as raised, store.unit_of_work() as uow:
            uow.customers.update(changed, expected_version=3)
        assert (raised.value.expected, raised.value.actual) == (3, 1)
        assert stored(store, customer.id) == customer

    def test_updating_or_removing_a_missing_customer_conflicts(
        self, store: Store
    ) -> None:
        ghost = plain_customer()

        with pytest.raises(VersionConflict) as updated, store.unit_of_work() as uow:
            uow.customers.update(ghost, expected_version=1)
        with pytest.raises(VersionConflict) as removed, store.unit_of_work() as uow:
            uow.customers.remove(ghost.id, expected_version=1)

        assert updated.value.actual is None
        assert removed.value.actual is None

    def test_a_removal_from_another_version_conflicts_and_keeps_the_customer(
        self, store: Store
    ) -> None:
        customer = plain_customer()
        add(store, customer)

        with pytest.raises(VersionConflict), store.unit_of_work() as uow:
            uow.customers.remove(customer.id, expected_version=2)

        assert stored(store, customer.id) == customer

    def test_a_unit_of_work_reads_its_own_uncommitted_writes(
        self, store: Store
    ) -> None:
        customer = plain_customer()

        with store.unit_of_work() as uow:
            uow.customers.add(customer)
            assert uow.customers.get(customer.id) == customer
            uow.customers.remove(customer.id, expected_version=1)
            assert uow.customers.get(customer.id) is None

    def test_two_writers_from_one_version_one_wins_and_the_other_conflicts(
        self, store: Store
    ) -> None:
        customer = plain_customer()
        add(store, customer)

        def write(index: int) -> str:
            changed = attrs.evolve(
                customer,
                profile=attrs.evolve(customer.profile, last_name=f"Writer{index}"),
                version=2,
            )
            with store.unit_of_work() as uow:
                uow.customers.update(changed, expected_version=1)
                uow.commit()
            return changed.profile.last_name

        results = in_threads(2, write)

        winners = [r for r in results if isinstance(r, str)]
        losers = [r for r in results if isinstance(r, VersionConflict)]
        assert (len(winners), len(losers)) == (1, 1), results
        final = stored(store, customer.id)
        assert final is not None
        assert (final.profile.last_name, final.version) == (winners[0], 2)

    # --- filters ----------------------------------------------------------

    def test_email_filter_matches_whatever_the_case(self, store: Store) -> None:
        service = service_for(store)
        wanted = service.register(jane()).customer_id
        service.register(jane(email="someone.else@example.com"))

        found = service.list(CustomerFilters(email="JANE.ROE@example.com"))

        assert [c.id for c in found.customers] == [wanted]

    def test_phone_filter_matches_whatever_the_formatting(self, store: Store) -> None:
        service = service_for(store)
        wanted = service.register(jane()).customer_id
        service.register(jane(phone="+44 20 7946 0000"))

        found = service.list(CustomerFilters(phone="+442079460958"))

        assert [c.id for c in found.customers] == [wanted]

    def test_last_name_filter_ignores_case_and_unicode_composition(
        self, store: Store
    ) -> None:
        service = service_for(store)
        wanted = service.register(jane(lastName="Ölçer")).customer_id
        service.register(jane(lastName="Olcer"))

        # Decomposed O + combining diaeresis, upper case.
        found = service.list(CustomerFilters(last_name="O\u0308LC\u0327ER"))

        assert [c.id for c in found.customers] == [wanted]

    def test_kyc_status_filter_and_combined_filters(self, store: Store) -> None:
        service = service_for(store)
        pending = service.register(jane()).customer_id
        officer = Actor("officer", kyc_officer=True)
        verified = service.register(
            jane(kycStatus="Verified"), actor=officer
        ).customer_id
        service.register(jane(lastName="Smith", kycStatus="Verified"), actor=officer)

        by_status = service.list(CustomerFilters(kyc_status="verified"))
        combined = service.list(CustomerFilters(last_name="roe", kyc_status="Verified"))
        by_pending = service.list(CustomerFilters(kyc_status="Pending"))

        assert len(by_status.customers) == 2
        assert [c.id for c in combined.customers] == [verified]
        assert [c.id for c in by_pending.customers] == [pending]

    # --- keyset pagination ---------------------------------------------------

    def test_pages_list_every_customer_once_in_id_order(self, store: Store) -> None:
        ids = {plain_customer().id for _ in range(23)}
        with store.unit_of_work() as uow:
            for customer_id in ids:
                uow.customers.add(plain_customer(customer_id=customer_id))
            uow.commit()

        listed = [c.id for c in all_pages(store, CustomerQuery(limit=5))]

        assert listed == sorted(ids)

    def test_a_filtered_page_stops_with_no_next_cursor(self, store: Store) -> None:
        for name in ["Ng", "Ng", "Ng", "Other"]:
            add(store, plain_customer(last_name=name))

        with store.unit_of_work() as uow:
            first = uow.customers.list(CustomerQuery(last_name="ng", limit=2))
            second = uow.customers.list(
                CustomerQuery(last_name="ng", limit=2, after=first.next_after)
            )

        assert len(first.customers) == 2
        assert first.next_after == first.customers[-1].id
        assert len(second.customers) == 1
        assert second.next_after is None

    def test_paging_while_others_insert_skips_and_repeats_nothing(
        self, store: Store
    ) -> None:
        present = {plain_customer().id for _ in range(40)}
        with store.unit_of_work() as uow:
            for customer_id in present:
                uow.customers.add(plain_customer(customer_id=customer_id))
            uow.commit()
        stop = threading.Event()
        inserted = []

        def keep_inserting() -> None:
            while not stop.is_set():
                customer = plain_customer()  # random id: lands anywhere
                add(store, customer)
                inserted.append(customer.id)
                time.sleep(0.001)

        inserter = threading.Thread(target=keep_inserting)
        inserter.start()
        try:
            listed = [
                c.id
                for c in all_pages(
                    store, CustomerQuery(limit=3), lambda: time.sleep(0.002)
                )
            ]
        finally:
            stop.set()
            inserter.join(timeout=30)

        assert len(listed) == len(set(listed)), "a customer was listed twice"
        assert present <= set(listed), "a customer present at the start was skipped"
        assert listed == sorted(listed)

    # --- activity log -------------------------------------------------------

    def test_activities_come_back_newest_first_and_page_by_id(
        self, store: Store
    ) -> None:
        service = service_for(store)
        customer_id = service.register(jane()).customer_id
        other_id = service.register(jane(lastName="Other")).customer_id
        activities = ActivityService(
            store.unit_of_work, SystemClock(), TimeOrderedIds()
        )
        recorded = [
            activities.record(
                customer_id,
                {"type": kind, "channel": "web", "details": {"n": n, "ok": True}},
                "tester",
            )
            for n, kind in enumerate(["login", "contact", "product_use"])
        ]
        activities.record(other_id, {"type": "login"}, "tester")

        newest = activities.history(customer_id, limit=2)
        older = activities.history(customer_id, limit=2, before=newest[-1].activity_id)

        assert [a.activity_id for a in [*newest, *older]] == [
            a.activity_id for a in reversed(recorded)
        ]
        assert newest[0] == recorded[-1]

    def test_an_activity_and_its_event_are_stored_together(self, store: Store) -> None:
        service = service_for(store)
        customer_id = service.register(jane()).customer_id
        activities = ActivityService(
            store.unit_of_work, SystemClock(), TimeOrderedIds()
        )
        before = len(drain(store))

        activity = activities.record(customer_id, {"type": "login"}, "tester")

        [message] = drain(store)
        assert before >= 1
        assert message.topic == "customer-activity"
        assert message.value["details"]["activityId"] == activity.activity_id

    # --- outbox ---------------------------------------------------------------

    def test_a_committed_change_leaves_its_event_in_the_outbox(
        self, store: Store
    ) -> None:
        customer_id = service_for(store).register(jane()).customer_id

        messages = store.pending(100)

        assert [(m.topic, m.key, m.value["event"]) for m in messages] == [
            ("customer-updates", customer_id, "CUSTOMER_CREATED")
        ]
        assert messages[0].value["customer"]["id"] == customer_id

    def test_leaving_without_commit_keeps_neither_customer_nor_event(
        self, store: Store
    ) -> None:
        customer = plain_customer()

        with store.unit_of_work() as uow:
            uow.customers.add(customer)
            uow.outbox.add([created(customer)])

        assert stored(store, customer.id) is None
        assert list(store.pending(100)) == []

    def test_an_error_inside_a_unit_of_work_undoes_all_of_it(
        self, store: Store
    ) -> None:
        customer = plain_customer()

        with pytest.raises(RuntimeError, match="boom"), store.unit_of_work() as uow:
            uow.customers.add(customer)
            uow.outbox.add([created(customer)])
            raise RuntimeError("boom")

        assert stored(store, customer.id) is None
        assert list(store.pending(100)) == []

    def test_pending_lists_in_commit_order_and_skips_what_was_published(
        self, store: Store
    ) -> None:
        service = service_for(store)
        first = service.register(jane()).customer_id
        service.amend(first, {"lastName": "Smith"})
        second = service.register(jane(email="b@example.com")).customer_id
        service.remove(first)

        messages = list(store.pending(100))
        store.mark_published([m.position for m in messages[:2]])
        rest = list(store.pending(100))

        assert [(m.key, m.value["event"]) for m in messages] == [
            (first, "CUSTOMER_CREATED"),
            (first, "CUSTOMER_UPDATED"),
            (second, "CUSTOMER_CREATED"),
            (first, "CUSTOMER_DELETED"),
        ]
        positions = [m.position for m in messages]
        assert positions == sorted(positions)
        assert rest == messages[2:]
        assert [m.position for m in store.pending(1)] == [messages[2].position]

    # --- idempotency ------------------------------------------------------------

    def test_a_repeated_idempotency_key_replays_the_first_registration(
        self, store: Store
    ) -> None:
        service = service_for(store)

        first = service.register(jane(), idempotency_key="key-1")
        again = service.register(jane(), idempotency_key="key-1")

        assert not first.replayed
        assert again.replayed
        assert again.customer_id == first.customer_id
        assert again.document == first.document
        assert len(service.list().customers) == 1
        assert len(store.pending(100)) == 1

    def test_an_idempotency_key_reused_for_another_body_is_refused(
        self, store: Store
    ) -> None:
        service = service_for(store)
        service.register(jane(), idempotency_key="key-1")

        with pytest.raises(DuplicateRequest):
            service.register(jane(lastName="Other"), idempotency_key="key-1")
        assert len(service.list().customers) == 1

    def test_an_idempotent_response_is_kept_only_when_committed(
        self, store: Store
    ) -> None:
        now = SystemClock().now()
        kept = IdempotentResponse("kept", "f" * 64, "c-1", {"id": "c-1", "n": [1]}, now)
        dropped = IdempotentResponse("dropped", "0" * 64, "c-2", {}, now)

        with store.unit_of_work() as uow:
            uow.idempotency.put(kept)
            uow.commit()
        with store.unit_of_work() as uow:
            uow.idempotency.put(dropped)
            assert uow.idempotency.get("dropped") == dropped

        with store.unit_of_work() as uow:
            assert uow.idempotency.get("kept") == kept
            assert uow.idempotency.get("dropped") is None


def created(customer: Customer) -> CustomerCreated:
    return CustomerCreated(
        event_id=str(uuid.uuid4()),
        customer_id=customer.id,
        occurred_at=customer.created_at,
        customer={"id": customer.id, "lastName": customer.profile.last_name},
    )
