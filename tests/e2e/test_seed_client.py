"""The original client's five calls against a live `cims serve`, with a token."""

from __future__ import annotations

import pytest
import requests

from tests.support.server import cims, running_service

pytestmark = pytest.mark.e2e

BODY = {
    "firstName": "Jane",
    "lastName": "Roe",
    "email": "jane.roe@example.com",
    "phone": "1234567890",
    "address": "12 High St",
    "kycStatus": "Pending",
}


def test_the_seed_client_works_against_cims_serve(tmp_path):
    with running_service(tmp_path) as (base_url, env):
        # Its PUT with kycStatus Verified is an officer's attestation.
        token = cims(
            [
                "token",
                "create",
                "--scope",
                "customers:read",
                "--scope",
                "customers:write",
                "--scope",
                "kyc:review",
            ],
            env,
        )
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        url = f"{base_url}/v1/customers"

        created = session.post(url, json=BODY, timeout=10)
        assert created.status_code == 201, created.text
        customer_id = created.json()["id"]
        assert created.headers["Location"].endswith(customer_id)

        assert customer_id in [c["id"] for c in session.get(url, timeout=10).json()]
        assert (
            session.get(f"{url}/{customer_id}", timeout=10).json()["email"]
            == (BODY["email"])
        )

        updated = session.put(
            f"{url}/{customer_id}",
            timeout=10,
            json={
                **BODY,
                "phone": "0987654321",
                "address": "9 Elm Rd",
                "kycStatus": "Verified",
            },
        )
        assert updated.status_code == 200, updated.text
        assert updated.json()["phone"] == "0987654321"
        assert updated.json()["kycStatus"] == "Verified"

        assert session.delete(f"{url}/{customer_id}", timeout=10).status_code == 204
        assert session.get(f"{url}/{customer_id}", timeout=10).status_code == 404

        assert requests.get(url, timeout=10).status_code == 401
