"""Recording customer activity over HTTP and reading it back."""

from __future__ import annotations

from urllib.parse import urlsplit

from tests.support.customers import customer_body
from tests.support.openapi import assert_conforms

ROUTE = "/v1/customers/{customerId}/activities"


def new_customer(client) -> str:
    return client.simulate_post("/v1/customers", json=customer_body()).json["id"]


def test_an_activity_is_recorded_and_read_back_newest_first(client):
    customer_id = new_customer(client)
    url = f"/v1/customers/{customer_id}/activities"

    first = client.simulate_post(url, json={"type": "login", "channel": "mobile"})
    second = client.simulate_post(
        url, json={"type": "product_use", "details": {"product": "savings"}}
    )
    listed = client.simulate_get(url)

    for result, method in [(first, "POST"), (second, "POST"), (listed, "GET")]:
        assert_conforms(method, ROUTE, result.status_code, result.headers, result.json)
    assert first.status_code == 201
    assert first.json["recordedBy"] == "tester"
    assert [a["type"] for a in listed.json] == ["product_use", "login"]


def test_older_activities_are_a_link_away(client):
    customer_id = new_customer(client)
    url = f"/v1/customers/{customer_id}/activities"
    for _ in range(3):
        client.simulate_post(url, json={"type": "login"})

    page = client.simulate_get(url, params={"limit": 2})
    link = urlsplit(page.headers["link"].split(";")[0].strip("<>"))
    rest = client.simulate_get(link.path, query_string=link.query)

    assert len(page.json) == 2
    assert len(rest.json) == 1
    assert "link" not in rest.headers


def test_an_unknown_activity_type_is_a_422_naming_the_field(client):
    customer_id = new_customer(client)

    result = client.simulate_post(
        f"/v1/customers/{customer_id}/activities", json={"type": "teleport"}
    )

    assert result.status_code == 422
    assert result.json["errors"][0]["field"] == "type"


def test_operator_shaped_detail_keys_are_refused(client):
    customer_id = new_customer(client)

    result = client.simulate_post(
        f"/v1/customers/{customer_id}/activities",
        json={"type": "login", "details": {"$where": "1", "a.b": 2}},
    )

    assert result.status_code == 422


def test_activity_of_an_unknown_customer_is_a_404(client):
    result = client.simulate_post(
        "/v1/customers/nobody/activities", json={"type": "login"}
    )

    assert result.status_code == 404


def test_reading_activity_needs_the_read_scope(client_with):
    result = client_with("customers:write").simulate_get("/v1/customers/x/activities")

    assert result.status_code == 403
