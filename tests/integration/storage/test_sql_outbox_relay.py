"""Several relays on one SQL outbox: one publishes at a time, in order, once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterator, Sequence

import pytest

from cims.adapters.sqlalchemy import SqlStore
from cims.ports.inbound.relay import EventRelay
from cims.ports.outbound.events import OutboxMessage
from cims.testing.storage_contract import in_threads, jane, service_for

START = dt.datetime(2024, 6, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def url(request: pytest.FixtureRequest) -> str:
    name = "sqlite_url" if request.param == "sqlite" else "pg_url"
    value: str = request.getfixturevalue(name)
    return value


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def stores(url: str) -> Iterator[tuple[SqlStore, SqlStore, FakeClock]]:
    clock = FakeClock()
    lease = dt.timedelta(seconds=30)
    first = SqlStore(url, relay_owner="relay-1", relay_lease=lease, clock=clock)
    second = SqlStore(url, relay_owner="relay-2", relay_lease=lease, clock=clock)
    yield first, second, clock
    first.close()
    second.close()


def test_while_one_relay_holds_the_lease_another_gets_nothing(
    stores: tuple[SqlStore, SqlStore, FakeClock],
) -> None:
    first, second, clock = stores
    service_for(first).register(jane())

    taken = first.pending(10)
    clock.now += dt.timedelta(seconds=29)
    refused = second.pending(10)

    assert len(taken) == 1
    assert list(refused) == []


def test_a_lease_left_to_expire_passes_to_another_relay(
    stores: tuple[SqlStore, SqlStore, FakeClock],
) -> None:
    first, second, clock = stores
    service_for(first).register(jane())
    first.pending(10)

    clock.now += dt.timedelta(seconds=31)

    assert len(second.pending(10)) == 1
    assert list(first.pending(10)) == []


def test_closing_a_store_hands_the_lease_back_at_once(
    stores: tuple[SqlStore, SqlStore, FakeClock],
) -> None:
    first, second, _clock = stores
    service_for(first).register(jane())
    first.pending(10)

    first.close()

    assert len(second.pending(10)) == 1


def test_marking_after_losing_the_lease_still_marks_and_warns(
    stores: tuple[SqlStore, SqlStore, FakeClock],
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second, clock = stores
    service_for(first).register(jane())
    taken = first.pending(10)
    clock.now += dt.timedelta(seconds=31)
    second.pending(10)

    first.mark_published([m.position for m in taken])

    assert "lost the outbox lease" in caplog.text
    assert list(second.pending(10)) == []


def test_relays_racing_publish_every_message_once_in_order(url: str) -> None:
    writer = SqlStore(url)
    service = service_for(writer)
    published: list[OutboxMessage] = []
    lock = threading.Lock()
    done = threading.Event()

    class Collector:
        def publish(self, messages: Sequence[OutboxMessage]) -> None:
            with lock:
                published.extend(messages)

    relays = [SqlStore(url, relay_owner=f"relay-{i}") for i in range(3)]

    def run_relay(index: int) -> None:
        relay = EventRelay(relays[index], Collector())
        while not done.is_set():
            if relay.relay_once(batch_size=7) == 0:
                time.sleep(0.002)
        while relay.relay_once(batch_size=7):
            pass

    threads = [threading.Thread(target=run_relay, args=(i,)) for i in range(3)]
    for thread in threads:
        thread.start()
    try:
        customer_ids = [service.register(jane()).customer_id for _ in range(40)]
        for customer_id in customer_ids[:20]:
            service.amend(customer_id, {"kycStatus": "InReview"})
        deadline = time.monotonic() + 30
        while len(published) < 60 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=30)
        for store in [*relays, writer]:
            store.close()

    positions = [m.position for m in published]
    assert len(positions) == 60
    assert positions == sorted(set(positions)), "published twice or out of order"


def test_sqlite_writers_in_many_threads_all_commit(sqlite_url: str) -> None:
    store = SqlStore(sqlite_url, pool_size=8)
    service = service_for(store)

    def register_some(index: int) -> int:
        for n in range(15):
            service.register(jane(email=f"t{index}n{n}@example.com"))
        return 15

    results = in_threads(8, register_some)

    assert results == [15] * 8
    assert len(store.pending(500)) == 120
    store.close()
