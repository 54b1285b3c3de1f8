"""With CIMS_STORAGE=mongo, the container and the WSGI app build every service."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from falcon import testing

from cims.adapters.mongo import MongoStore
from cims.adapters.mongo.jobs import (
    MongoCheckpoints,
    MongoJobLock,
    MongoJobRuns,
    MongoSourceRecords,
)
from cims.domain.jobs import JobStatus
from cims.entrypoints.auth import TokenAuthority
from cims.entrypoints.container import Container, build_container
from cims.entrypoints.jobs import available_jobs, build_job
from cims.entrypoints.settings import Settings, load_settings
from tests.support.jobs import CRM_MAPPING, crm_row, write_csv
from tests.support.mongo import MONGODB_URL, new_client

pytestmark = pytest.mark.mongo

SECRET = "test-secret-that-is-long-enough-for-hs256-use"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """Mongo settings on a fresh database; every client the app makes shares it."""
    import pymongo

    client = new_client()
    if not MONGODB_URL:
        # mongomock clients do not share data, so the app gets this one.
        monkeypatch.setattr(pymongo, "MongoClient", lambda *args, **kwargs: client)
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(yaml.safe_dump({"sources": [CRM_MAPPING]}), encoding="utf-8")
    database = f"cims_test_{uuid.uuid4().hex[:12]}"
    yield load_settings(
        {
            "CIMS_STORAGE": "mongo",
            "CIMS_MONGODB_URL": MONGODB_URL or "mongodb://127.0.0.1:27017",
            "CIMS_MONGODB_DATABASE": database,
            "CIMS_DATA_DIR": str(tmp_path / "data"),
            "CIMS_FEEDS_FILE": str(feeds),
            "CIMS_INBOX_DIR": str(tmp_path / "inbox"),
            "CIMS_JWT_SECRET": SECRET,
            "CIMS_RELAY_IN_SERVE": "false",
        }
    )
    client.drop_database(database)
    client.close()


@pytest.fixture
def container(settings: Settings) -> Iterator[Container]:
    container = build_container(settings)
    yield container
    container.store().close()


def test_the_container_builds_every_service_on_mongo(container: Container) -> None:
    built = {
        name: provider()
        for name, provider in container.providers.items()
        if name != "config"
    }

    assert isinstance(built["store"], MongoStore)
    assert isinstance(built["job_lock"], MongoJobLock)
    assert isinstance(built["job_runs"], MongoJobRuns)
    assert isinstance(built["checkpoints"], MongoCheckpoints)
    assert isinstance(built["source_records"], MongoSourceRecords)


def test_every_available_job_builds_and_runs_record_their_history_in_mongo(
    container: Container, settings: Settings
) -> None:
    jobs = {name: build_job(name, container, settings) for name in available_jobs()}
    write_csv(Path(settings.effective_inbox_dir) / "crm-1.csv", [crm_row(1)])
    runner = container.job_runner()

    synced = runner.run(jobs["sync"])
    relayed = runner.run(jobs["relay"])

    assert synced.status is JobStatus.SUCCEEDED
    assert synced.counts["created"] == 1
    assert relayed.status is JobStatus.SUCCEEDED
    assert [run.job for run in container.job_runs().history()] == ["relay", "sync"]
    assert container.source_records().get("crm", "C00001") is not None
    assert container.job_lock().holder("sync") is None


def test_the_wsgi_application_is_built_on_mongo_and_lists_job_runs(
    settings: Settings, container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cims.entrypoints import container as composition
    from cims.entrypoints.wsgi import application

    # No sanctions list: the background warm-up loads an empty one at once.
    monkeypatch.setattr(composition, "DEFAULT_SANCTIONS_DIR", Path("/nonexistent"))
    container.job_runner().run(build_job("relay", container, settings))

    app = application(settings)

    token = TokenAuthority(SECRET, "cims", "cims-api").mint(
        "tester", ["jobs:read"], dt.timedelta(minutes=5)
    )
    client = testing.TestClient(app, headers={"Authorization": f"Bearer {token}"})
    listed = client.simulate_get("/v1/jobs")
    assert listed.status_code == 200, listed.text
    assert [run["job"] for run in listed.json] == ["relay"]
    assert client.simulate_get("/health").status_code == 200


def test_the_seed_clients_five_calls_work_on_mongo(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cims.entrypoints import container as composition
    from cims.entrypoints.wsgi import application

    monkeypatch.setattr(composition, "DEFAULT_SANCTIONS_DIR", Path("/nonexistent"))
    app = application(settings)
    token = TokenAuthority(SECRET, "cims", "cims-api").mint(
        "seed",
        ["customers:read", "customers:write", "kyc:review"],
        dt.timedelta(minutes=5),
    )
    client = testing.TestClient(app, headers={"Authorization": f"Bearer {token}"})
    body = {
        "firstName": "Jane",
        "lastName": "Roe",
        "email": "jane.roe@example.com",
        "phone": "1234567890",
        "address": "12 High St",
        "kycStatus": "Pending",
    }

    created = client.simulate_post("/v1/customers", json=body)
    url = f"/v1/customers/{created.json['id']}"
    listed = client.simulate_get("/v1/customers")
    fetched = client.simulate_get(url)
    updated = client.simulate_put(
        url,
        json={
            **body,
            "phone": "0987654321",
            "address": "9 Elm Rd",
            "kycStatus": "Verified",
        },
    )
    deleted = client.simulate_delete(url)

    assert created.status_code == 201, created.text
    assert [c["id"] for c in listed.json] == [created.json["id"]]
    assert fetched.json["phone"] == "1234567890"
    assert updated.status_code == 200, updated.text
    assert updated.json["kycStatus"] == "Verified"
    assert deleted.status_code == 204
    assert client.simulate_get(url).status_code == 404
