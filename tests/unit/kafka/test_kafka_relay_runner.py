"""The relay loop: drains the outbox, backs off while the bus is down."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import pytest

from cims.adapters.kafka.backoff import Backoff
from cims.adapters.kafka.relay_runner import RelayRunner
from cims.adapters.memory import MemoryEventBus
from cims.domain.errors import ServiceUnavailable
from cims.ports.inbound.relay import EventRelay
from cims.ports.outbound.events import OutboxMessage
from tests.support.customers import customer_document, memory_service


class FlakyBus:
    """Fails the first `failures` publishes, then behaves like the memory bus."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.bus = MemoryEventBus()

    def publish(self, messages: Sequence[OutboxMessage]) -> None:
        if self.failures:
            self.failures -= 1
            raise ServiceUnavailable("kafka", "connection refused")
        self.bus.publish(messages)


def fixed_backoff() -> Backoff:
    return Backoff(initial=1.0, maximum=8.0, random=lambda: 1.0)


def test_a_full_batch_is_followed_at_once_and_an_empty_outbox_waits() -> None:
    store, customers = memory_service()
    for n in range(3):
        customers.register(customer_document(n))
    runner = RelayRunner(
        EventRelay(store, MemoryEventBus()), batch_size=2, poll_interval=0.3
    )

    waits = [runner.step() for _ in range(3)]

    assert waits == [0.0, 0.3, 0.3]
    assert runner.published == 3


def test_an_unavailable_bus_keeps_events_and_waits_longer_each_time(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store, customers = memory_service()
    customers.register(customer_document(1))
    flaky = FlakyBus(failures=3)
    runner = RelayRunner(EventRelay(store, flaky), backoff=fixed_backoff())

    with caplog.at_level(logging.WARNING):
        waits = [runner.step() for _ in range(3)]
        pending_during_outage = len(store.pending(10))
        runner.step()

    assert waits == [1.0, 2.0, 4.0]
    assert pending_during_outage == 1
    assert store.pending(10) == []
    assert len(flaky.bus.messages()) == 1
    assert "events stay in the outbox; check that the broker is up" in caplog.text
    assert "publishing works again after 3 failed attempts" in caplog.text


def test_an_unexpected_error_does_not_stop_the_loop(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store, customers = memory_service()
    customers.register(customer_document(1))

    class Broken:
        def publish(self, messages: Sequence[OutboxMessage]) -> None:
            raise RuntimeError("bug")

    runner = RelayRunner(EventRelay(store, Broken()), backoff=fixed_backoff())

    with caplog.at_level(logging.WARNING):
        wait = runner.step()

    assert wait == 1.0
    assert "unexpected error while relaying" in caplog.text


def test_the_runner_stops_when_its_event_is_set() -> None:
    store, customers = memory_service()
    bus = MemoryEventBus()
    runner = RelayRunner(EventRelay(store, bus), poll_interval=0.01)
    stop = threading.Event()
    thread = runner.start_thread(stop)

    customers.register(customer_document(1))
    for _ in range(200):
        if bus.messages():
            break
        stop.wait(0.01)
    stop.set()
    thread.join(5)

    assert not thread.is_alive()
    assert len(bus.messages()) == 1
