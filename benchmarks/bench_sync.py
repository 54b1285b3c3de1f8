"""Sync job import throughput: a generated CSV feed into memory, SQLite, PostgreSQL.

    python benchmarks/bench_sync.py --rows 100000
    CIMS_BENCH_POSTGRES_URL=postgresql://.../scratch python benchmarks/bench_sync.py

The PostgreSQL database must be a scratch one: its CIMS tables are emptied.

Each backend runs in its own process (so peak RSS is its own) on the same
file: every row new (all created), then the same file again (all unchanged:
the source-record hash check). 2% of rows are invalid and go to rejects.
Prints one table; ratios are against the in-memory store.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FEEDS = {
    "sources": [
        {
            "name": "core",
            "files": "core-*.csv",
            "format": "csv",
            "key": "cif",
            "default_region": "GB",
            "columns": {
                "given": "firstName",
                "family": "lastName",
                "mail": "email",
                "tel": "phone",
                "dob": {"field": "dateOfBirth", "date_format": "%d/%m/%Y"},
                "street": "postalAddress.lines[0]",
                "town": "postalAddress.city",
                "country": "postalAddress.country",
            },
        }
    ]
}
GIVEN = ["Jane", "John", "Zoë", "Ngozi", "Mei", "Łukasz", "Siobhán", "Omar", "Priya"]
FAMILY = ["Roe", "Doe", "Müller", "O'Brien", "Okafor", "Nguyen", "Khan", "Smith"]
TOWNS = ["London", "Leeds", "Bristol", "Glasgow", "Cardiff", "York"]


def generate(path: Path, rows: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["cif", *FEEDS["sources"][0]["columns"]])
        for n in range(rows):
            bad = rng.random() < 0.02
            writer.writerow(
                [
                    f"CIF{n:08d}",
                    rng.choice(GIVEN),
                    rng.choice(FAMILY),
                    "not-an-email" if bad else f"user{n}@example.com",
                    f"07{rng.randint(100000000, 999999999)}",
                    f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/"
                    f"{rng.randint(1940, 2004)}",
                    f"{rng.randint(1, 300)} High St",
                    rng.choice(TOWNS),
                    "GB",
                ]
            )


def child(backend: str, url: str, feed: Path) -> None:
    """Import `feed` twice into one backend; print a JSON line of figures."""
    import yaml

    from cims.adapters.files.feeds import FolderInbox, load_sources
    from cims.adapters.system import SystemClock, TimeOrderedIds
    from cims.ports.inbound.jobs.runner import JobRunner
    from cims.ports.inbound.jobs.sync import SyncJob

    work = Path(tempfile.mkdtemp(prefix=f"bench-sync-{backend}-"))
    (work / "feeds.yaml").write_text(yaml.safe_dump(FEEDS))
    if backend == "memory":
        from cims.adapters.memory import MemoryStore
        from cims.adapters.memory.jobs import (
            MemoryCheckpoints,
            MemoryJobLock,
            MemoryJobRuns,
            MemorySourceRecords,
        )

        store = MemoryStore()
        lock, runs, checkpoints, records = (
            MemoryJobLock(),
            MemoryJobRuns(),
            MemoryCheckpoints(),
            MemorySourceRecords(),
        )
    else:
        from cims.adapters.sqlalchemy import SqlStore
        from cims.adapters.sqlalchemy import jobs as sql_jobs

        if backend == "sqlite":
            url = f"sqlite:///{work}/cims.db"
        store = SqlStore(url, migrate=True)
        if backend == "postgresql":
            with store.engine.begin() as connection:
                connection.exec_driver_sql(
                    "TRUNCATE customers, outbox, idempotency_keys, job_locks, "
                    "job_runs, job_checkpoints, source_records"
                )
        lock = sql_jobs.SqlJobLock(store.engine)
        runs = sql_jobs.SqlJobRuns(store.engine)
        checkpoints = sql_jobs.SqlCheckpoints(store.engine)
        records = sql_jobs.SqlSourceRecords(store.engine)

    clock, ids = SystemClock(), TimeOrderedIds()
    runner = JobRunner(lock, runs, checkpoints, clock, ids, "bench")
    job = SyncJob(
        load_sources(work / "feeds.yaml"),
        FolderInbox(work / "inbox"),
        records,
        store.unit_of_work,
        clock,
        ids,
        chunk_size=1000,
    )
    figures = {}
    for attempt in ("first", "again"):
        (work / "inbox").mkdir(exist_ok=True)
        shutil.copy(feed, work / "inbox" / "core-1.csv")
        started = time.perf_counter()
        run = runner.run(job)
        figures[attempt] = {
            "seconds": time.perf_counter() - started,
            "counts": run.counts,
        }
        shutil.rmtree(work / "inbox")
    figures["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(figures))
    shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backends", default="memory,sqlite,postgresql")
    parser.add_argument("--child", nargs=3, metavar=("BACKEND", "URL", "FEED"))
    args = parser.parse_args()
    if args.child:
        backend, url, feed = args.child
        child(backend, url, Path(feed))
        return

    postgres = os.environ.get("CIMS_BENCH_POSTGRES_URL", "")
    backends = [b for b in args.backends.split(",") if b != "postgresql" or postgres]
    with tempfile.TemporaryDirectory(prefix="bench-sync-") as folder:
        feed = Path(folder) / "feed.csv"
        generate(feed, args.rows)
        size_mb = feed.stat().st_size / 1e6
        print(
            f"sync import of {args.rows:,} CSV rows ({size_mb:.1f} MB), "
            "2% invalid; python " + sys.version.split()[0]
        )
        header = (
            f"{'backend':<11}{'first rows/s':>14}{'rerun rows/s':>14}"
            f"{'vs memory':>11}{'peak RSS MB':>13}  counts (first run)"
        )
        print(header)
        print("-" * len(header), flush=True)
        base = None
        for backend in backends:
            out = subprocess.run(
                [sys.executable, __file__, "--child", backend, postgres, str(feed)],
                check=True,
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            figures = json.loads(out.stdout.strip().splitlines()[-1])
            first, again = figures["first"], figures["again"]
            base = base or first["seconds"]
            counts = " ".join(f"{k}={v}" for k, v in first["counts"].items())
            print(
                f"{backend:<11}{args.rows / first['seconds']:>14,.0f}"
                f"{args.rows / again['seconds']:>14,.0f}"
                f"{first['seconds'] / base:>10.2f}x"
                f"{figures['peak_rss_mb']:>13,.0f}  {counts}",
                flush=True,
            )
            assert again["counts"].get("created", 0) == 0, "a re-run creates nothing"


if __name__ == "__main__":
    main()
