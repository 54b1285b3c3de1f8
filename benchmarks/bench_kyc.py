"""Benchmark what KYC adds to the customer API: app start with a lazy sanctions
list, registration and an officer's PUT attestation with and without the OFAC
list, and the batch rescreen.

Run from the repository root:

    PYTHONPATH=$PWD /work/main/.venv/bin/python benchmarks/bench_kyc.py [N]

In-memory storage, one process, wall-clock times; N customers (default 2000).
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from pathlib import Path

from cims.adapters.memory import MemoryStore
from cims.adapters.sanctions.cached import CachedScreener
from cims.adapters.sanctions.memory import InMemorySanctionsList
from cims.adapters.sanctions.ofac_csv import OfacCsvSanctionsList
from cims.adapters.system import SystemClock, TimeOrderedIds
from cims.domain.errors import VerificationBlocked
from cims.entrypoints.container import DEFAULT_SANCTIONS_DIR, build_container
from cims.entrypoints.settings import load_settings
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.kyc import Actor, KycService, KycWorkflow
from cims.testing.strategies import FAMILY_NAMES, GIVEN_NAMES

OFFICER = Actor("bench", kyc_officer=True)
LATIN = (
    [n for n in GIVEN_NAMES if n.isascii()],
    [n for n in FAMILY_NAMES if n.isascii()],
)


def services(sanctions_list):
    store = MemoryStore()
    clock, ids = SystemClock(), TimeOrderedIds()
    screener = CachedScreener(lambda: sanctions_list)
    screener.warm_up()
    workflow = KycWorkflow(clock, ids, screener)
    customers = CustomerService(store.unit_of_work, clock, ids, kyc=workflow)
    return customers, KycService(store.unit_of_work, workflow), screener


def timed(action, count):
    samples = []
    for index in range(count):
        started = time.perf_counter()
        action(index)
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95)]


def name(index):
    given, family = LATIN
    return {
        "firstName": given[index % len(given)],
        "lastName": family[(index // len(given)) % len(family)],
    }


def measure(label, sanctions, count):
    customers, kyc, _ = services(sanctions)
    ids: list[str] = []
    blocked: list[str] = []

    def register(i):
        ids.append(customers.register(name(i)).customer_id)

    def put(i):
        # Every other PUT is an officer's Pending -> Verified attestation.
        if i % 2:
            customers.replace(ids[i], {**name(i), "address": "1 High St"})
            return
        try:
            customers.replace(
                ids[i], {**name(i), "kycStatus": "Verified"}, actor=OFFICER
            )
        except VerificationBlocked:
            blocked.append(ids[i])

    registered = timed(register, count)
    attested = timed(put, count)
    started = time.perf_counter()
    for customer_id in ids:  # a real screening of everyone, as after a reload
        kyc.screen(customer_id, force=True)
    rate = count / (time.perf_counter() - started)
    return label, registered, attested, rate, len(blocked)


def main() -> None:
    logging.disable(logging.WARNING)
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    if not Path(DEFAULT_SANCTIONS_DIR).is_dir():
        sys.exit(
            f"the OFAC list is not at {DEFAULT_SANCTIONS_DIR}; set CIMS_SANCTIONS_DIR"
        )

    started = time.perf_counter()
    container = build_container(load_settings({}))
    container.customers(), container.kyc()
    lazy_start = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    container.screener().warm_up()
    list_load = (time.perf_counter() - started) * 1000
    print(f"container and services built (list not loaded): {lazy_start:8.1f} ms")
    print(f"OFAC list read and index built (background):    {list_load:8.1f} ms")
    print()

    rows = [
        measure("empty list", InMemorySanctionsList([]), count),
        measure("OFAC SDN", OfacCsvSanctionsList(DEFAULT_SANCTIONS_DIR), count),
    ]

    print(f"{count} customers, latency per call in ms (median / p95)")
    print(
        f"{'list':<12}{'register':>18}{'PUT (half attest)':>22}"
        f"{'rescreen/s':>14}{'blocked':>9}"
    )
    for label, register, attest, rate, blocked_count in rows:
        print(
            f"{label:<12}{register[0]:>9.2f} / {register[1]:<6.2f}"
            f"{attest[0]:>12.2f} / {attest[1]:<7.2f}{rate:>12.0f}"
            f"{blocked_count:>9}"
        )
    base, ofac = rows
    print(
        f"{'ratio':<12}{ofac[1][0] / base[1][0]:>9.1f}x{'':9}"
        f"{ofac[2][0] / base[2][0]:>12.1f}x{'':9}{ofac[3] / base[3]:>11.2f}x"
    )


if __name__ == "__main__":
    main()
