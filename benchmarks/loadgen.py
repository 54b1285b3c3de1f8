"""A small closed-loop HTTP load generator: N keep-alive connections, fixed time.

Every target in one benchmark run is measured with the same generator and
settings, so the ratios between them are meaningful even on a noisy machine.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import statistics
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import attrs


@attrs.frozen
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]

    @property
    def p50(self) -> float:
        return (
            statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")
        )


RequestFactory = Callable[[int], tuple[str, str, bytes | None]]


def _worker(
    base_url: str,
    headers: dict[str, str],
    make: RequestFactory,
    seconds: float,
    expect: int,
    queue: Any,
) -> None:
    parts = urlsplit(base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    latencies, errors, count = [], 0, 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        method, path, body = make(count)
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status == expect
        except (OSError, http.client.HTTPException):
            connection.close()
            connection = http.client.HTTPConnection(
                parts.hostname, parts.port, timeout=10
            )
            ok = False
        latencies.append((time.perf_counter() - started) * 1000)
        count += 1
        errors += not ok
    queue.put((count, errors, latencies))


def run_load(
    base_url: str,
    make: RequestFactory,
    *,
    connections: int = 8,
    seconds: float = 8.0,
    expect: int = 200,
    headers: dict[str, str] | None = None,
) -> LoadResult:
    headers = {"Content-Type": "application/json", **(headers or {})}
    queue: Any = multiprocessing.Queue()
    workers = [
        multiprocessing.Process(
            target=_worker, args=(base_url, headers, make, seconds, expect, queue)
        )
        for _ in range(connections)
    ]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    results = [queue.get() for _ in workers]
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - started
    latencies = [ms for _, _, lat in results for ms in lat]
    return LoadResult(
        sum(r[0] for r in results), sum(r[1] for r in results), elapsed, latencies
    )


def body(document: dict[str, Any]) -> bytes:
    return json.dumps(document).encode()
