"""KYC resources under /v1/customers/{customerId}/kyc: the case, submissions,
decisions, screening hits and their clearance."""

from __future__ import annotations

from typing import Any

import falcon

from cims.domain.kyc import KycCase, hit_view, kyc_case_view
from cims.entrypoints.http.media import read_json
from cims.entrypoints.http.problems import Problem
from cims.entrypoints.http.security import actor_of, require
from cims.ports.inbound.kyc import KYC_REVIEW, KycService


class _KycResource:
    def __init__(self, service: KycService, max_body: int) -> None:
        self._service = service
        self._max_body = max_body

    def _render(self, resp: falcon.Response, case: KycCase) -> None:
        resp.media = kyc_case_view(case, self._service.policy, self._service.today())

    def _object(self, req: falcon.Request) -> dict[str, Any]:
        body = read_json(req, self._max_body)
        if not isinstance(body, dict):
            raise Problem(
                422,
                "validation-error",
                "The request is not valid",
                "the body must be a JSON object",
                errors=[{"field": "", "message": "must be a JSON object"}],
            )
        return body


class KycCaseItem(_KycResource):
    def on_get(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, "customers:read")
        self._render(resp, self._service.case(customer_id))


class KycSubmissions(_KycResource):
    def on_post(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, "customers:write")
        body = self._object(req)
        self._render(resp, self._service.submit(customer_id, body, actor_of(req)))


class KycDecisions(_KycResource):
    def on_post(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, KYC_REVIEW)
        body = self._object(req)
        case = self._service.decide(
            customer_id, _text(body, "decision"), _text(body, "reason"), actor_of(req)
        )
        self._render(resp, case)


class ScreeningHits(_KycResource):
    def on_get(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, "customers:read")
        resp.media = [hit_view(hit) for hit in self._service.hits(customer_id)]


class HitClearance(_KycResource):
    def on_post(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str, hit_id: str
    ) -> None:
        require(req, KYC_REVIEW)
        body = self._object(req)
        hit = self._service.clear_hit(
            customer_id, hit_id, _text(body, "reason"), actor_of(req)
        )
        resp.media = hit_view(hit)


def _text(body: dict[str, Any], field: str) -> str:
    """The field when it is a string; anything else reads as blank, which the
    use case refuses naming the field."""
    value = body.get(field)
    return value if isinstance(value, str) else ""
