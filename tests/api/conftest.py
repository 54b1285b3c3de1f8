"""An app on in-memory adapters, and clients holding tokens with given scopes."""

from __future__ import annotations

import datetime as dt

import pytest
from falcon import testing

from cims.entrypoints.auth import TokenAuthority
from cims.entrypoints.http import create_app
from cims.ports.inbound.activity import ActivityService
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.kyc import KycService
from cims.ports.inbound.merging import MergeService
from cims.ports.inbound.review import ReviewService
from cims.ports.inbound.search import CustomerSearch

SECRET = "test-secret-that-is-long-enough-for-hs256-use"


@pytest.fixture
def authority() -> TokenAuthority:
    return TokenAuthority(SECRET, "cims", "cims-api")


@pytest.fixture
def app(
    customers: CustomerService,
    authority: TokenAuthority,
    kyc: KycService,
    memory_store,
    clock,
    ids,
    merges: MergeService,
    reviews: ReviewService,
    search: CustomerSearch,
):
    activities = ActivityService(memory_store.unit_of_work, clock, ids)
    return create_app(
        customers,
        authority,
        kyc,
        max_body_bytes=10_000,
        activities=activities,
        merges=merges,
        reviews=reviews,
        search=search,
    )


@pytest.fixture
def client_with(app, authority):
    def make(*scopes: str) -> testing.TestClient:
        token = authority.mint("tester", scopes, dt.timedelta(minutes=5))
        return testing.TestClient(app, headers={"Authorization": f"Bearer {token}"})

    return make


@pytest.fixture
def client(client_with) -> testing.TestClient:
    return client_with("customers:read", "customers:write")


@pytest.fixture
def officer(client_with) -> testing.TestClient:
    return client_with("customers:read", "customers:write", "kyc:review")
