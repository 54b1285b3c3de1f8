"""Benchmark: fuzzy customer search latency on SQLite and PostgreSQL.

Loads N synthetic customers (benchmarks/synthetic_customers: Zipf-like
surnames, 20 % damaged duplicates) straight into the tables with SQLAlchemy
Core, retrieval keys included (the rows the repository writes), then times
queries through the real use case, `CustomerSearch`, one unit of work each:

- q: `by_name` with a typed name, half of them with a typo in the surname;
- fields: `by_fields` with name and date of birth.

"top-1"/"top-10": share of queries whose sought customer came first / in
the first ten. A name alone is often shared (many James Smiths), so for q
the top-10 share is the meaningful one.

Every pass runs the same queries again; the first meets cold caches (the
database was just loaded), later ones warm caches.

Each query retrieves at most 100 candidates by shared keys (at most 500 ids
per key) and scores them with the matching engine. Target: p95 under 50 ms
at 1M customers. PostgreSQL comes from CIMS_TEST_POSTGRES_URL (a throwaway
database; skipped when unreachable).

Usage: PYTHONPATH=. python benchmarks/bench_search.py [--sizes 100000 1000000]
       [--queries 200] [--backends sqlite postgresql]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa

from benchmarks.synthetic_customers import generate_customers
from cims.adapters.sqlalchemy import SqlStore, upgrade
from cims.adapters.sqlalchemy.schema import customer_search_keys, customers
from cims.adapters.sqlalchemy.search import key_rows
from cims.adapters.sqlalchemy.translation import customer_row
from cims.domain.customer import Customer, CustomerProfile
from cims.domain.values import EmailAddress, KycStatus, PhoneNumber
from cims.ports.inbound.search import CustomerSearch, SearchCriteria

BATCH = 20_000


def synthetic(count: int) -> Iterator[Customer]:
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for n, record in enumerate(generate_customers(count, seed=11)):
        birth = record.get("date_of_birth")
        try:
            born = dt.date.fromisoformat(birth) if birth else None
        except ValueError:
            born = None
        email = record.get("email")
        phone = record.get("phone")
        yield Customer(
            id=f"c{n:08d}",
            profile=CustomerProfile(
                first_name=record.get("given_name") or "X",
                last_name=record.get("surname") or "X",
                email=EmailAddress(email) if email else None,
                phone=PhoneNumber(phone, phone) if phone else None,
                address=record.get("address_line"),
                date_of_birth=born,
                nationality="GB",
            ),
            kyc_status=KycStatus.PENDING,
            created_at=now,
            updated_at=now,
        )


def load(engine: sa.Engine, count: int) -> tuple[list[Customer], float]:
    """Insert `count` customers; keep a sample of them to query for."""
    rng = random.Random(3)
    sample: list[Customer] = []
    started = time.perf_counter()
    rows: list[dict[str, object]] = []
    keys: list[dict[str, object]] = []

    def flush() -> None:
        with engine.begin() as connection:
            connection.execute(sa.insert(customers), rows)
            connection.execute(sa.insert(customer_search_keys), keys)
        rows.clear()
        keys.clear()

    for customer in synthetic(count):
        rows.append(customer_row(customer))
        keys.extend(key_rows(customer))
        if rng.random() < 2000 / count:
            sample.append(customer)
        if len(rows) >= BATCH:
            flush()
    if rows:
        flush()
    with engine.begin() as connection:
        connection.execute(sa.text("ANALYZE"))
    return sample, time.perf_counter() - started


def typo(rng: random.Random, text: str) -> str:
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return p50 * 1000, p95 * 1000


def time_queries(
    search: CustomerSearch, sample: list[Customer], queries: int
) -> dict[str, tuple[float, float, float, float]]:
    rng = random.Random(5)
    chosen = [rng.choice(sample) for _ in range(queries)]
    results: dict[str, tuple[float, float, float, float]] = {}

    def by_name(customer: Customer, damaged: bool) -> list[str]:
        last = customer.profile.last_name
        q = f"{customer.profile.first_name} {typo(rng, last) if damaged else last}"
        hits = search.by_name(q, 10)
        return [hit.customer.id for hit in hits]

    def by_fields(customer: Customer, damaged: bool) -> list[str]:
        last = customer.profile.last_name
        hits = search.by_fields(
            SearchCriteria(
                given_name=customer.profile.first_name,
                surname=typo(rng, last) if damaged else last,
                date_of_birth=customer.profile.date_of_birth,
            ),
            10,
        )
        return [hit.customer.id for hit in hits]

    kinds: dict[str, Callable[[Customer, bool], list[str]]] = {
        "q (name)": by_name,
        "fields (name+dob)": by_fields,
    }
    for name, run in kinds.items():
        run(chosen[0], False)  # warm caches and statement compilation
        timings = []
        first = in_ten = 0
        for n, customer in enumerate(chosen):
            started = time.perf_counter()
            top = run(customer, n % 2 == 1)
            timings.append(time.perf_counter() - started)
            first += top[:1] == [customer.id]
            in_ten += customer.id in top
        p50, p95 = percentiles(timings)
        results[name] = (p50, p95, first / len(chosen), in_ten / len(chosen))
    return results


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextmanager
def postgres_url() -> Iterator[str]:
    from tests.support.postgres import temporary_database

    with temporary_database() as url:
        yield url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument(
        "--passes",
        type=int,
        default=2,
        help="query passes over the same database; the first runs on cold caches",
    )
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"])
    args = parser.parse_args()

    print(
        f"{'backend':<11} {'customers':>10} {'load s':>8} {'pass':>4} {'query':<18} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'top-1':>6} {'top-10':>6}"
    )
    for size in args.sizes:
        for backend in args.backends:
            opener = sqlite_url if backend == "sqlite" else postgres_url
            try:
                with opener() as url:
                    upgrade(url)
                    store = SqlStore(url)
                    sample, seconds = load(store.engine, size)
                    passes = [
                        time_queries(
                            CustomerSearch(store.unit_of_work), sample, args.queries
                        )
                        for _ in range(args.passes)
                    ]
                    store.close()
            except Exception as error:  # an unreachable server skips a backend
                print(f"{backend:<11} {size:>10} skipped: {error}", file=sys.stderr)
                continue
            for number, timings in enumerate(passes, 1):
                for name, (p50, p95, first, in_ten) in timings.items():
                    print(
                        f"{backend:<11} {size:>10} {seconds:>8.0f} {number:>4} "
                        f"{name:<18} {p50:>7.1f} {p95:>7.1f} {first:>6.0%} "
                        f"{in_ten:>6.0%}",
                        flush=True,
                    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
