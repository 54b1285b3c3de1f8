"""The KYC routes: the case, submissions, decisions, hits and clearance."""

from __future__ import annotations

import json

import pytest

from tests.support.customers import customer_body
from tests.support.kyc import PASSPORT, listed_customer, submission
from tests.support.openapi import assert_conforms

CASE = "/v1/customers/{customerId}/kyc"
SUBMISSIONS = f"{CASE}/submissions"
DECISIONS = f"{CASE}/decisions"
HITS = f"{CASE}/screening-hits"
CLEARANCE = f"{HITS}/{{hitId}}/clearance"
ITEM = "/v1/customers/{customerId}"


def check(method, route, result):
    assert_conforms(method, route, result.status_code, result.headers, result.json)
    return result


def create(client, body=None) -> str:
    created = client.simulate_post("/v1/customers", json=body or customer_body())
    assert created.status_code == 201, created.text
    return created.json["id"]


def url(customer_id: str, suffix: str = "") -> str:
    return f"/v1/customers/{customer_id}/kyc{suffix}"


class TestCase:
    def test_a_new_customer_has_a_pending_screened_case(self, client):
        customer_id = create(client)

        case = check("GET", CASE, client.simulate_get(url(customer_id)))

        assert case.status_code == 200
        assert case.json["status"] == "Pending"
        assert case.json["allowedTransitions"] == ["InReview"]
        assert case.json["screening"]["openHits"] == 0
        assert case.json["history"] == []

    def test_an_unknown_customer_is_404(self, client):
        result = check("GET", CASE, client.simulate_get(url("nobody")))

        assert result.status_code == 404


class TestSubmission:
    def test_submitting_puts_the_case_in_review_and_masks_numbers(self, client):
        customer_id = create(client)

        result = check(
            "POST",
            SUBMISSIONS,
            client.simulate_post(url(customer_id, "/submissions"), json=submission()),
        )

        assert result.status_code == 200
        assert result.json["status"] == "InReview"
        [document] = result.json["documents"]
        assert document["number"] == "****0T47"
        assert PASSPORT["number"] not in result.text
        [entry] = result.json["history"]
        assert (entry["from"], entry["to"], entry["actor"]) == (
            "Pending",
            "InReview",
            "tester",
        )

    def test_a_bad_document_is_422_without_echoing_its_number(self, client):
        customer_id = create(client)
        secret = "SECRET12345!"

        result = check(
            "POST",
            SUBMISSIONS,
            client.simulate_post(
                url(customer_id, "/submissions"),
                json={"documents": [{**PASSPORT, "number": secret, "type": "visa"}]},
            ),
        )

        assert result.status_code == 422
        assert {e["field"] for e in result.json["errors"]} == {
            "documents[0].number",
            "documents[0].type",
        }
        assert secret not in result.text

    def test_submitting_for_a_verified_customer_is_409(self, client, officer):
        customer_id = create(client)
        officer.simulate_post(url(customer_id, "/submissions"), json=submission())
        officer.simulate_post(
            url(customer_id, "/decisions"),
            json={"decision": "Verified", "reason": "ok"},
        )

        result = check(
            "POST",
            SUBMISSIONS,
            client.simulate_post(url(customer_id, "/submissions"), json=submission()),
        )

        assert result.status_code == 409
        assert result.json["allowed"] == ["Expired"]


class TestDecision:
    def test_an_officer_verifies_a_clear_case(self, client, officer):
        customer_id = create(client)
        client.simulate_post(url(customer_id, "/submissions"), json=submission())

        result = check(
            "POST",
            DECISIONS,
            officer.simulate_post(
                url(customer_id, "/decisions"),
                json={"decision": "Verified", "reason": "documents checked"},
            ),
        )

        assert result.status_code == 200
        assert result.json["status"] == "Verified"
        assert result.json["risk"]["rating"] == "low"
        assert result.json["nextReviewOn"] == "2031-01-15"
        customer = client.simulate_get(f"/v1/customers/{customer_id}")
        assert customer.json["kycStatus"] == "Verified"

    def test_deciding_needs_the_kyc_review_scope(self, client):
        customer_id = create(client)
        client.simulate_post(url(customer_id, "/submissions"), json=submission())

        result = check(
            "POST",
            DECISIONS,
            client.simulate_post(
                url(customer_id, "/decisions"),
                json={"decision": "Verified", "reason": "ok"},
            ),
        )

        assert result.status_code == 403
        assert result.json["requiredScope"] == "kyc:review"

    def test_deciding_a_pending_case_is_409_naming_the_allowed_step(self, officer):
        customer_id = create(officer)

        result = check(
            "POST",
            DECISIONS,
            officer.simulate_post(
                url(customer_id, "/decisions"),
                json={"decision": "Rejected", "reason": "no"},
            ),
        )

        assert result.status_code == 409
        assert result.json["type"] == "urn:cims:problem:transition-not-allowed"
        assert result.json["allowed"] == ["InReview"]

    def test_an_uncleared_hit_blocks_verification_with_the_reason(self, officer):
        customer_id = create(officer, listed_customer())
        officer.simulate_post(url(customer_id, "/submissions"), json=submission())

        result = check(
            "POST",
            DECISIONS,
            officer.simulate_post(
                url(customer_id, "/decisions"),
                json={"decision": "Verified", "reason": "ok"},
            ),
        )

        assert result.status_code == 409
        assert result.json["type"] == "urn:cims:problem:verification-blocked"
        assert "not cleared" in result.json["reasons"][0]

    def test_an_expired_document_blocks_verification(self, officer):
        customer_id = create(officer)
        expired = {**PASSPORT, "expiresOn": "2020-01-01"}
        officer.simulate_post(
            url(customer_id, "/submissions"), json={"documents": [expired]}
        )

        result = officer.simulate_post(
            url(customer_id, "/decisions"),
            json={"decision": "Verified", "reason": "ok"},
        )

        assert result.status_code == 409
        assert result.json["reasons"] == [
            "passport ****0T47 issued by DE expired on 2020-01-01"
        ]

    @pytest.mark.parametrize(
        "body",
        [
            {"decision": "Approved", "reason": "ok"},
            {"decision": "Verified", "reason": "  "},
            {"decision": "Verified"},
        ],
    )
    def test_a_malformed_decision_is_422(self, officer, body):
        customer_id = create(officer)
        officer.simulate_post(url(customer_id, "/submissions"), json=submission())

        result = check(
            "POST",
            DECISIONS,
            officer.simulate_post(url(customer_id, "/decisions"), json=body),
        )

        assert result.status_code == 422


class TestScreeningHits:
    def test_a_listed_name_raises_a_hit_with_its_explanation(self, client):
        customer_id = create(client, listed_customer())

        result = check(
            "GET", HITS, client.simulate_get(url(customer_id, "/screening-hits"))
        )

        [hit] = result.json
        assert (hit["listName"], hit["entryUid"], hit["status"]) == (
            "TEST-LIST",
            "T-1",
            "open",
        )
        assert hit["explanation"]

    def test_a_cleared_hit_lets_the_officer_verify(self, officer):
        customer_id = create(officer, listed_customer())
        officer.simulate_post(url(customer_id, "/submissions"), json=submission())
        [hit] = officer.simulate_get(url(customer_id, "/screening-hits")).json

        cleared = check(
            "POST",
            CLEARANCE,
            officer.simulate_post(
                url(customer_id, f"/screening-hits/{hit['id']}/clearance"),
                json={"reason": "date of birth differs from the listing"},
            ),
        )
        decided = officer.simulate_post(
            url(customer_id, "/decisions"),
            json={"decision": "Verified", "reason": "ok"},
        )

        assert cleared.status_code == 200
        assert cleared.json["status"] == "cleared"
        assert cleared.json["clearance"]["actor"] == "tester"
        assert decided.status_code == 200
        assert decided.json["risk"]["rating"] == "medium"

    def test_clearing_needs_the_kyc_review_scope(self, client):
        customer_id = create(client, listed_customer())
        [hit] = client.simulate_get(url(customer_id, "/screening-hits")).json

        result = check(
            "POST",
            CLEARANCE,
            client.simulate_post(
                url(customer_id, f"/screening-hits/{hit['id']}/clearance"),
                json={"reason": "not them"},
            ),
        )

        assert result.status_code == 403

    def test_clearing_an_unknown_hit_is_404(self, officer):
        customer_id = create(officer)

        result = check(
            "POST",
            CLEARANCE,
            officer.simulate_post(
                url(customer_id, "/screening-hits/nope/clearance"), json={"reason": "x"}
            ),
        )

        assert result.status_code == 404
        assert result.json["hitId"] == "nope"


class TestCustomerRouteAttestation:
    def test_put_verified_without_kyc_review_is_403(self, client):
        customer_id = create(client)

        result = check(
            "PUT",
            ITEM,
            client.simulate_put(
                f"/v1/customers/{customer_id}", json=customer_body(kycStatus="Verified")
            ),
        )

        assert result.status_code == 403
        assert result.json["requiredScope"] == "kyc:review"
        assert client.simulate_get(url(customer_id)).json["status"] == "Pending"

    def test_put_verified_by_an_officer_records_each_step(self, officer):
        customer_id = create(officer)

        result = check(
            "PUT",
            ITEM,
            officer.simulate_put(
                f"/v1/customers/{customer_id}", json=customer_body(kycStatus="Verified")
            ),
        )

        assert result.json["kycStatus"] == "Verified"
        history = officer.simulate_get(url(customer_id)).json["history"]
        assert [(e["from"], e["to"]) for e in history] == [
            ("Pending", "InReview"),
            ("InReview", "Verified"),
        ]

    def test_put_verified_for_a_listed_customer_is_409_and_changes_nothing(
        self, officer
    ):
        customer_id = create(officer, listed_customer())

        result = check(
            "PUT",
            ITEM,
            officer.simulate_put(
                f"/v1/customers/{customer_id}",
                json=listed_customer(kycStatus="Verified", address="1 New St"),
            ),
        )

        assert result.status_code == 409
        assert "not cleared" in result.json["detail"]
        customer = officer.simulate_get(f"/v1/customers/{customer_id}").json
        assert (customer["kycStatus"], customer["address"]) == ("Pending", None)

    def test_a_patch_that_keeps_kyc_status_needs_no_kyc_scope(self, client):
        customer_id = create(client)

        result = check(
            "PATCH",
            ITEM,
            client.simulate_patch(
                f"/v1/customers/{customer_id}",
                json={"address": "9 Elm Rd", "kycStatus": "pending"},
            ),
        )

        assert result.status_code == 200

    def test_creating_as_verified_without_kyc_review_is_403(self, client):
        result = check(
            "POST",
            "/v1/customers",
            client.simulate_post(
                "/v1/customers", json=customer_body(kycStatus="Verified")
            ),
        )

        assert result.status_code == 403
        assert client.simulate_get("/v1/customers").json == []

    def test_creating_as_verified_by_an_officer_works(self, officer):
        result = check(
            "POST",
            "/v1/customers",
            officer.simulate_post(
                "/v1/customers", json=customer_body(kycStatus="Verified")
            ),
        )

        assert result.status_code == 201
        assert result.json["kycStatus"] == "Verified"

    def test_putting_pending_back_is_409_for_an_officer(self, officer):
        customer_id = create(officer, customer_body(kycStatus="Verified"))

        result = check(
            "PUT",
            ITEM,
            officer.simulate_put(
                f"/v1/customers/{customer_id}", json=customer_body(kycStatus="Pending")
            ),
        )

        assert result.status_code == 409
        assert result.json["allowed"] == ["Expired"]

    def test_a_renamed_customer_is_screened_again(self, client):
        customer_id = create(client)

        client.simulate_patch(
            f"/v1/customers/{customer_id}",
            json={"firstName": "Mirela", "lastName": "Kastrati"},
        )

        hits = client.simulate_get(url(customer_id, "/screening-hits")).json
        assert [hit["entryUid"] for hit in hits] == ["T-2"]


def test_no_response_body_ever_carries_a_whole_document_number(client, officer):
    customer_id = create(client)
    client.simulate_post(url(customer_id, "/submissions"), json=submission())
    bodies = [
        client.simulate_get(url(customer_id)).text,
        officer.simulate_post(
            url(customer_id, "/decisions"),
            json={"decision": "Verified", "reason": "ok"},
        ).text,
        json.dumps(client.simulate_get(f"/v1/customers/{customer_id}").json),
    ]

    assert not [body for body in bodies if PASSPORT["number"] in body]
