"""Merge, unmerge, lineage, the duplicate review queue and search over HTTP."""

from __future__ import annotations

import pytest

from tests.support.customers import customer_body
from tests.support.openapi import assert_conforms

ITEM = "/v1/customers/{customerId}"


def check(method, route, result):
    assert_conforms(method, route, result.status_code, result.headers, result.json)
    return result


@pytest.fixture
def reviewer(client_with):
    return client_with("customers:read", "customers:write", "customers:merge")


def create(client, **changes):
    created = client.simulate_post("/v1/customers", json=customer_body(**changes))
    assert created.status_code == 201
    return created.json["id"]


def test_a_merged_id_answers_200_with_the_survivor_and_says_so(reviewer) -> None:
    a = create(
        reviewer, accounts=[{"accountId": "A", "type": "current", "currency": "GBP"}]
    )
    b = create(
        reviewer,
        firstName="Janet",
        accounts=[{"accountId": "B", "type": "savings", "currency": "GBP"}],
    )

    merged = check(
        "POST",
        f"{ITEM}/merge",
        reviewer.simulate_post(
            f"/v1/customers/{a}/merge", json={"mergedIds": [b], "reason": "same person"}
        ),
    )
    assert merged.status_code == 200
    assert {x["accountId"] for x in merged.json["accounts"]} == {"A", "B"}

    read = check("GET", ITEM, reviewer.simulate_get(f"/v1/customers/{b}"))
    assert read.status_code == 200
    assert read.json["id"] == a
    assert read.json["mergedInto"] == a
    assert read.headers["content-location"].endswith(f"/v1/customers/{a}")

    lineage = check(
        "GET", f"{ITEM}/lineage", reviewer.simulate_get(f"/v1/customers/{a}/lineage")
    )
    assert lineage.json["mergedIds"] == [b]
    assert lineage.json["history"][0]["reason"] == "same person"
    assert lineage.json["provenance"]["accounts[B]"] == f"api:{b}"


def test_unmerge_restores_the_old_id(reviewer) -> None:
    a = create(reviewer)
    b = create(reviewer, firstName="Janet", email="janet@example.com")
    before = reviewer.simulate_get(f"/v1/customers/{b}").json
    reviewer.simulate_post(
        f"/v1/customers/{a}/merge", json={"mergedIds": [b], "reason": "x"}
    )

    split = check(
        "POST",
        f"{ITEM}/unmerge",
        reviewer.simulate_post(
            f"/v1/customers/{a}/unmerge", json={"customerId": b, "reason": "twins"}
        ),
    )

    assert split.status_code == 200
    restored = split.json["restored"]
    assert restored["id"] == b
    assert {k: v for k, v in restored.items() if k not in ("version", "updatedAt")} == {
        k: v for k, v in before.items() if k not in ("version", "updatedAt")
    }
    again = reviewer.simulate_get(f"/v1/customers/{b}")
    assert again.json["id"] == b and "mergedInto" not in again.json


def test_merging_needs_the_merge_scope_and_a_reason(client, reviewer) -> None:
    a, b = create(client), create(client, firstName="Janet")

    refused = check(
        "POST",
        f"{ITEM}/merge",
        client.simulate_post(
            f"/v1/customers/{a}/merge", json={"mergedIds": [b], "reason": "x"}
        ),
    )
    no_reason = check(
        "POST",
        f"{ITEM}/merge",
        reviewer.simulate_post(f"/v1/customers/{a}/merge", json={"mergedIds": [b]}),
    )

    assert refused.status_code == 403
    assert no_reason.status_code == 422
    assert no_reason.headers["content-type"].startswith("application/problem+json")


def test_merging_a_merged_away_id_is_a_conflict(reviewer) -> None:
    a, b, c = (
        create(reviewer),
        create(reviewer, firstName="B"),
        create(reviewer, firstName="C"),
    )
    reviewer.simulate_post(
        f"/v1/customers/{a}/merge", json={"mergedIds": [b], "reason": "x"}
    )

    again = check(
        "POST",
        f"{ITEM}/merge",
        reviewer.simulate_post(
            f"/v1/customers/{c}/merge", json={"mergedIds": [b], "reason": "y"}
        ),
    )

    assert again.status_code == 409
    assert again.json["type"].endswith("merge-refused")


def test_a_possible_duplicate_is_queued_and_a_reviewer_confirms_it(reviewer) -> None:
    first = create(reviewer, dateOfBirth="1980-01-02")
    second = create(
        reviewer, firstName="Jane", email="jr@example.org", dateOfBirth="1980-01-02"
    )

    queue = check("GET", "/v1/duplicates", reviewer.simulate_get("/v1/duplicates"))
    assert len(queue.json) == 1
    review = queue.json[0]
    assert set(review["customerIds"]) == {first, second}
    assert {f["field"] for f in review["explanation"]["fields"]} >= {"surname", "email"}

    decided = check(
        "POST",
        "/v1/duplicates/{reviewId}/decision",
        reviewer.simulate_post(
            f"/v1/duplicates/{review['id']}/decision",
            json={"decision": "merge", "reason": "same DOB and phone"},
        ),
    )
    assert decided.json["status"] == "merged"
    assert decided.json["decidedBy"] == "tester"
    assert reviewer.simulate_get(f"/v1/customers/{second}").json["mergedInto"] == first

    twice = check(
        "POST",
        "/v1/duplicates/{reviewId}/decision",
        reviewer.simulate_post(
            f"/v1/duplicates/{review['id']}/decision",
            json={"decision": "reject", "reason": "changed my mind"},
        ),
    )
    assert twice.status_code == 409


def test_an_unknown_review_is_a_404_problem(reviewer) -> None:
    missing = check(
        "POST",
        "/v1/duplicates/{reviewId}/decision",
        reviewer.simulate_post(
            "/v1/duplicates/nope/decision", json={"decision": "reject", "reason": "x"}
        ),
    )
    assert missing.status_code == 404


def test_q_ranks_customers_by_name_similarity(client) -> None:
    weiss = create(client, firstName="Jürgen", lastName="Weiß", email="jw@example.com")
    create(client, firstName="Mary", lastName="Jones", email="mj@example.com")

    found = check(
        "GET",
        "/v1/customers",
        client.simulate_get("/v1/customers", params={"q": "juergen weiss"}),
    )

    assert found.json[0]["id"] == weiss
    assert 0 <= found.json[0]["matchScore"] <= 1


def test_structured_search_returns_scored_candidates_with_explanations(client) -> None:
    wanted = create(client, dateOfBirth="1980-02-29")
    create(
        client,
        firstName="Jane",
        lastName="Roe",
        email="other@example.com",
        dateOfBirth="1975-05-05",
    )

    found = check(
        "POST",
        "/v1/customers/search",
        client.simulate_post(
            "/v1/customers/search",
            json={
                "name": "Jane Roe",
                "dateOfBirth": "1980-02-29",
                "phone": "1234567890",
            },
        ),
    )

    results = found.json["results"]
    assert results[0]["customer"]["id"] == wanted
    assert results[0]["score"] > results[1]["score"]
    assert any(
        f["field"] == "date_of_birth" and f["level"] == "exact"
        for f in results[0]["explanation"]
    )


def test_a_search_without_anything_to_search_by_is_refused(client) -> None:
    refused = check(
        "POST",
        "/v1/customers/search",
        client.simulate_post("/v1/customers/search", json={"city": "London"}),
    )
    bad_date = check(
        "POST",
        "/v1/customers/search",
        client.simulate_post(
            "/v1/customers/search", json={"dateOfBirth": "29/02/1980"}
        ),
    )

    assert refused.status_code == 422
    assert bad_date.status_code == 422
