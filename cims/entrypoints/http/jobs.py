"""Batch job history (/v1/jobs) and Prometheus metrics (/metrics)."""

from __future__ import annotations

from typing import Any

import falcon
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from cims.domain.jobs import JobRun
from cims.entrypoints.http.security import require
from cims.entrypoints.metrics import default_registry, http_registry
from cims.ports.outbound.jobs import JobRunRepository

DEFAULT_LIMIT = 50


def run_document(run: JobRun) -> dict[str, Any]:
    return {
        "runId": run.run_id,
        "job": run.job,
        "status": run.status.value,
        "owner": run.owner,
        "startedAt": run.started_at.isoformat(),
        "finishedAt": run.finished_at.isoformat() if run.finished_at else None,
        "durationSeconds": run.duration.total_seconds() if run.duration else None,
        "counts": run.counts,
        "errors": list(run.errors),
        "stoppedAt": run.stopped_at,
    }


class JobRuns:
    def __init__(self, runs: JobRunRepository) -> None:
        self._runs = runs

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        require(req, "jobs:read")
        limit = req.get_param_as_int(
            "limit", min_value=1, max_value=500, default=DEFAULT_LIMIT
        )
        job = req.get_param("job")
        resp.media = [run_document(run) for run in self._runs.history(job, limit)]


class Metrics:
    """Prometheus text format; scrapers send a bearer token with jobs:read."""

    def __init__(self, runs: JobRunRepository) -> None:
        self._history = http_registry(runs)

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        require(req, "jobs:read")
        resp.content_type = CONTENT_TYPE_LATEST
        resp.data = generate_latest(default_registry()) + generate_latest(self._history)
