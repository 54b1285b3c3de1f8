"""HTTP throughput and latency of `cims serve` beside a bare Falcon app.

Both run under gunicorn with the same settings (1 worker, 8 gthread threads,
access log on) and face the same load generator in the same run. The ratio
column is CIMS's throughput over the bare app's: the cost of validation,
storage, the outbox and authentication on top of the framework.

Usage: python benchmarks/bench_http.py [--seconds 8] [--connections 8]
       [--storage memory,sql] (add postgres via CIMS_BENCH_POSTGRES_URL)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.loadgen import body, run_load
from tests.support.server import cims, free_port, running_service

SEED = {
    "firstName": "Jane",
    "lastName": "Roe",
    "email": "jane.roe@example.com",
    "phone": "1234567890",
    "address": "12 High St",
    "kycStatus": "Pending",
}
GUNICORN = ["--workers", "1", "--threads", "8"]
GIVEN = ["Jane", "Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Frances"]
FAMILY = ["Roe", "Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth"]


def distinct(n: int) -> dict:
    """Realistic traffic: different people. The seed body posted thousands of
    times would measure a duplicate storm, each create matching all others."""
    letters = "".join(chr(ord("a") + int(d)) for d in str(n))
    return {
        **SEED,
        "firstName": GIVEN[n % len(GIVEN)],
        "lastName": f"{FAMILY[n % len(FAMILY)]}-{letters}",
        "email": f"user{n}@example.com",
        "phone": f"+1415555{n % 10000:04d}",
    }


@contextlib.contextmanager
def bare_falcon() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            "1",
            "--threads",
            "8",
            "-k",
            "gthread",
            "--access-logfile",
            "-",
            "-b",
            f"127.0.0.1:{port}",
            "benchmarks.bare_app:app",
        ],
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{url}/v1/customers/x", timeout=1).ok:
                    break
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def measure(url: str, headers: dict[str, str], customer_id: str, args) -> dict:
    get = run_load(
        url,
        lambda i: ("GET", f"/v1/customers/{customer_id}", None),
        connections=args.connections,
        seconds=args.seconds,
        headers=headers,
    )
    post = run_load(
        url,
        lambda i: ("POST", "/v1/customers", body(distinct(i))),
        connections=args.connections,
        seconds=args.seconds,
        expect=201,
        headers=headers,
    )
    return {"GET": get, "POST": post}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--storage", default="memory,sql")
    args = parser.parse_args()

    results: dict[str, dict] = {}
    with bare_falcon() as url:
        results["bare falcon"] = measure(url, {}, "x", args)

    targets = []
    for storage in args.storage.split(","):
        env = {"CIMS_STORAGE": storage}
        if storage == "postgres":
            env = {
                "CIMS_STORAGE": "sql",
                "CIMS_DATABASE_URL": os.environ["CIMS_BENCH_POSTGRES_URL"],
            }
        targets.append((f"cims ({storage})", env))

    for name, env in targets:
        with (
            tempfile.TemporaryDirectory() as data_dir,
            running_service(Path(data_dir), env, tuple(GUNICORN)) as (url, env2),
        ):
            token = cims(["token", "create", "--scope", "admin"], env2)
            headers = {"Authorization": f"Bearer {token}"}
            created = requests.post(
                f"{url}/v1/customers", json=SEED, headers=headers, timeout=10
            ).json()
            results[name] = measure(url, headers, created["id"], args)

    base = results["bare falcon"]
    print(
        f"\nHTTP benchmark: {args.connections} connections, {args.seconds:.0f}s "
        "per cell, gunicorn 1 worker x 8 threads, same machine"
    )
    print(
        f"{'target':<18}{'op':<6}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'errors':>8}{'vs bare':>9}"
    )
    for name, cells in results.items():
        for op, result in cells.items():
            ratio = result.throughput / base[op].throughput
            print(
                f"{name:<18}{op:<6}{result.throughput:>9.0f}{result.p50:>9.2f}"
                f"{result.percentile(99):>9.2f}{result.errors:>8}{ratio:>9.2f}"
            )


if __name__ == "__main__":
    main()
