"""Prometheus metrics for batch jobs.

Two sources, because jobs run in the scheduler's (or the CLI's) process
while the HTTP service runs in others:

- `JobMetrics` is a run observer: in the process that runs jobs it feeds a
  duration Histogram and counters of runs and records. `cims scheduler
  --metrics-port` serves them.
- `JobHistoryCollector` reads the recorded run history at scrape time, so
  the HTTP service's `/metrics` shows every job's last run whichever process
  ran it.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from cims.domain.jobs import JobRun
from cims.ports.outbound.jobs import JobRunRepository

JOB_DURATION = Histogram(
    "cims_job_duration_seconds",
    "How long batch job runs took, by job and outcome.",
    ["job", "status"],
    buckets=(1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400),
)
JOB_RUNS = Counter(
    "cims_job_runs",
    "Batch job runs that ended, by job and outcome.",
    ["job", "status"],
)
JOB_RECORDS = Counter(
    "cims_job_records",
    "Records batch jobs handled, by job and outcome (created, rejected, ...).",
    ["job", "outcome"],
)


class JobMetrics:
    """A run observer that feeds the job metrics of this process."""

    def started(self, run: JobRun) -> None:
        pass

    def progress(self, job: str, input: str, done: int, total: int | None) -> None:
        pass

    def finished(self, run: JobRun) -> None:
        status = run.status.value
        JOB_RUNS.labels(run.job, status).inc()
        if run.duration is not None:
            JOB_DURATION.labels(run.job, status).observe(run.duration.total_seconds())
        for outcome, count in run.counts.items():
            JOB_RECORDS.labels(run.job, outcome).inc(count)


class JobHistoryCollector(Collector):
    """Each job's most recent run, read from the run history when scraped."""

    def __init__(self, runs: JobRunRepository, window: int = 200) -> None:
        self._runs = runs
        self._window = window

    def collect(self) -> Iterator[Metric]:
        latest: dict[str, JobRun] = {}
        for run in self._runs.history(limit=self._window):
            latest.setdefault(run.job, run)

        started = GaugeMetricFamily(
            "cims_job_last_run_started_timestamp_seconds",
            "When each job's most recent run started, with its status.",
            labels=["job", "status"],
        )
        duration = GaugeMetricFamily(
            "cims_job_last_run_duration_seconds",
            "How long each job's most recent finished run took.",
            labels=["job", "status"],
        )
        records = GaugeMetricFamily(
            "cims_job_last_run_records",
            "Records handled by each job's most recent run, by outcome.",
            labels=["job", "outcome"],
        )
        for job, run in sorted(latest.items()):
            status = run.status.value
            started.add_metric([job, status], run.started_at.timestamp())
            if run.duration is not None:
                duration.add_metric([job, status], run.duration.total_seconds())
            for outcome, count in run.counts.items():
                records.add_metric([job, outcome], count)
        yield started
        yield duration
        yield records


def http_registry(runs: JobRunRepository) -> CollectorRegistry:
    """The registry `/metrics` serves: run history, and this process's own."""
    registry = CollectorRegistry(auto_describe=True)
    registry.register(JobHistoryCollector(runs))
    return registry


def default_registry() -> CollectorRegistry:
    return REGISTRY
