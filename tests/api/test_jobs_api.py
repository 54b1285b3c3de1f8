"""GET /v1/jobs and /metrics: the job history over HTTP."""

from __future__ import annotations

import datetime as dt

import pytest
from falcon import testing

from cims.adapters.memory.jobs import MemoryJobRuns
from cims.domain.jobs import JobRun, JobStatus
from cims.entrypoints.auth import TokenAuthority
from cims.entrypoints.http import create_app
from cims.ports.inbound.customers import CustomerService
from tests.support.openapi import assert_conforms

START = dt.datetime(2026, 1, 15, 2, 0, tzinfo=dt.UTC)


@pytest.fixture
def runs() -> MemoryJobRuns:
    runs = MemoryJobRuns()
    run = JobRun("run-1", "sync", "host:1", START)
    runs.start(run)
    runs.finish(
        run.finish(
            JobStatus.SUCCEEDED,
            START + dt.timedelta(seconds=90),
            {"read": 10, "created": 7, "rejected": 3},
        )
    )
    runs.start(JobRun("run-2", "dedup", "host:1", START + dt.timedelta(hours=1)))
    return runs


@pytest.fixture
def jobs_client(customers: CustomerService, authority: TokenAuthority, kyc, runs):
    app = create_app(customers, authority, kyc, job_runs=runs)

    def make(*scopes: str) -> testing.TestClient:
        token = authority.mint("ops", scopes, dt.timedelta(minutes=5))
        return testing.TestClient(app, headers={"Authorization": f"Bearer {token}"})

    return make


def test_job_runs_are_listed_newest_first_for_jobs_read(jobs_client) -> None:
    response = jobs_client("jobs:read").simulate_get("/v1/jobs")

    assert response.status_code == 200
    assert_conforms("GET", "/v1/jobs", 200, response.headers, response.json)
    assert [run["runId"] for run in response.json] == ["run-2", "run-1"]
    sync = response.json[1]
    assert sync["status"] == "succeeded"
    assert sync["durationSeconds"] == 90.0
    assert sync["counts"] == {"created": 7, "read": 10, "rejected": 3}


def test_job_runs_can_be_filtered_by_job_and_admin_may_read_them(jobs_client) -> None:
    response = jobs_client("admin").simulate_get("/v1/jobs", params={"job": "sync"})

    assert [run["job"] for run in response.json] == ["sync"]


def test_job_runs_need_the_jobs_read_scope(jobs_client) -> None:
    response = jobs_client("customers:read").simulate_get("/v1/jobs")

    assert response.status_code == 403
    assert response.json["requiredScope"] == "jobs:read"


def test_metrics_show_each_jobs_last_run_to_a_scraper_with_a_token(
    jobs_client,
) -> None:
    response = jobs_client("jobs:read").simulate_get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert (
        'cims_job_last_run_duration_seconds{job="sync",status="succeeded"} 90.0' in text
    )
    assert 'cims_job_last_run_records{job="sync",outcome="rejected"} 3.0' in text
    assert (
        'cims_job_last_run_started_timestamp_seconds{job="dedup",status="running"}'
        in text
    )


def test_metrics_are_not_open_without_a_token(customers, authority, kyc) -> None:
    app = create_app(customers, authority, kyc, job_runs=MemoryJobRuns())

    assert testing.TestClient(app).simulate_get("/metrics").status_code == 401
