"""Requests that are slightly wrong get a clear 400, never a silent surprise."""

from __future__ import annotations

from falcon import testing

from tests.support.customers import customer_body


def test_a_malformed_if_match_is_a_400_not_a_version_conflict(client):
    created = client.simulate_post("/v1/customers", json=customer_body())

    result = client.simulate_put(
        f"/v1/customers/{created.json['id']}",
        json=customer_body(),
        headers={"If-Match": "banana"},
    )

    assert result.status_code == 400
    assert result.json["type"] == "urn:cims:problem:bad-if-match"


def test_a_misspelt_list_filter_is_refused_not_ignored(client):
    result = client.simulate_get("/v1/customers", params={"lastname": "Roe"})

    assert result.status_code == 400
    assert "lastname" in result.json["detail"]


def test_name_search_cannot_be_combined_with_filters(client):
    result = client.simulate_get(
        "/v1/customers", params={"q": "Weiss", "kycStatus": "Verified"}
    )

    assert result.status_code == 400
    assert "kycStatus" in result.json["detail"]


def test_nan_is_not_json(client):
    result = client.simulate_post(
        "/v1/customers",
        body='{"firstName": NaN}',
        headers={"Content-Type": "application/json"},
    )

    assert result.status_code == 400


def test_a_huge_number_is_a_plain_400(client):
    result = client.simulate_post(
        "/v1/customers",
        body='{"firstName": ' + "9" * 5000 + "}",
        headers={"Content-Type": "application/json"},
    )

    assert result.status_code == 400
    assert "too many digits" in result.json["detail"]


def test_a_garbled_token_is_described_without_echoing_it(app):
    result = testing.TestClient(app).simulate_get(
        "/v1/customers", headers={"Authorization": "Bearer \u00b7\u00b7.\u00b7"}
    )

    assert result.status_code == 401
    assert result.json["detail"].endswith("the token is not a valid JWT")


def test_health_answers_head_for_load_balancers(app):
    assert testing.TestClient(app).simulate_head("/health").status_code == 200
