"""The HTTP API on MongoDB: operator-shaped bodies and filters, and outages."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import quote

import pytest
from falcon import testing
from pymongo import errors

from cims.adapters.mongo import MongoStore
from cims.entrypoints.auth import TokenAuthority
from cims.entrypoints.http import create_app
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.kyc import KycService, KycWorkflow
from tests.support.customers import FixedClock, SequentialIds, customer_body

pytestmark = pytest.mark.mongo

SECRET = "test-secret-that-is-long-enough-for-hs256-use"


@pytest.fixture
def client(store: MongoStore, kyc_workflow: KycWorkflow) -> testing.TestClient:
    authority = TokenAuthority(SECRET, "cims", "cims-api")
    service = CustomerService(
        store.unit_of_work, FixedClock(), SequentialIds(), kyc=kyc_workflow
    )
    kyc = KycService(store.unit_of_work, kyc_workflow)
    app = create_app(service, authority, kyc, max_body_bytes=10_000)
    token = authority.mint(
        "tester", ["customers:read", "customers:write"], dt.timedelta(minutes=5)
    )
    return testing.TestClient(app, headers={"Authorization": f"Bearer {token}"})


def listed(client: testing.TestClient, query: str) -> list[str]:
    result = client.simulate_get("/v1/customers", query_string=query)
    assert result.status_code == 200, result.text
    return [customer["lastName"] for customer in result.json]


class TestOperatorInjection:
    @pytest.mark.parametrize(
        "body",
        [
            customer_body(lastName={"$ne": None}),
            customer_body(email={"$gt": ""}),
            {**customer_body(), "$where": "return true"},
            {**customer_body(), "keys.lastName": "x"},
            customer_body(preferences={"$set": {"marketingConsent": True}}),
        ],
        ids=["lastName", "email", "$where", "dotted", "nested"],
    )
    def test_posting_operators_is_a_422_and_stores_nothing(
        self, client: testing.TestClient, store: MongoStore, body: dict[str, Any]
    ) -> None:
        result = client.simulate_post("/v1/customers", json=body)

        assert result.status_code == 422, result.text
        assert store.db.customers.count_documents({}) == 0

    def test_patching_in_an_operator_is_a_422_and_changes_nothing(
        self, client: testing.TestClient
    ) -> None:
        created = client.simulate_post("/v1/customers", json=customer_body())
        url = f"/v1/customers/{created.json['id']}"

        result = client.simulate_patch(url, json={"lastName": {"$set": "Smith"}})

        assert result.status_code == 422
        assert client.simulate_get(url).json["lastName"] == "Roe"

    def test_filters_shaped_like_operators_match_literally(
        self, client: testing.TestClient
    ) -> None:
        for name in ["Roe", "Smith"]:
            client.simulate_post("/v1/customers", json=customer_body(lastName=name))

        as_json = listed(client, "lastName=" + quote(json.dumps({"$ne": "Roe"})))
        as_text = listed(client, "lastName=%24ne&email=%24ne")
        # An operator in the parameter name is an unknown parameter, refused
        # by name; it is never read as {"lastName": {"$ne": "Roe"}}.
        in_name = client.simulate_get(
            "/v1/customers", query_string="lastName%5B%24ne%5D=Roe"
        )

        assert (as_json, as_text) == ([], [])
        assert in_name.status_code == 400
        assert "lastName[$ne]" in in_name.json["detail"]

    def test_an_operator_as_a_customer_id_is_just_an_unknown_id(
        self, client: testing.TestClient
    ) -> None:
        client.simulate_post("/v1/customers", json=customer_body())

        path = "/v1/customers/" + quote(json.dumps({"$ne": None}), safe="")
        result = client.simulate_get(path)

        assert result.status_code == 404


class TestOutage:
    def test_an_unreachable_database_answers_503_with_retry_after(
        self,
        client: testing.TestClient,
        store: MongoStore,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        def unreachable(*args: Any, **kwargs: Any) -> Any:
            raise errors.ServerSelectionTimeoutError("127.0.0.1:27017: timed out")

        monkeypatch.setattr(type(store.db.customers), "find", unreachable)

        result = client.simulate_get("/v1/customers")

        assert result.status_code == 503
        assert result.headers["retry-after"] == "5"
        assert result.json["type"] == "urn:cims:problem:service-unavailable"
        assert "27017" not in result.text, "driver detail must not leak to clients"
