"""Authentication middleware and the scope each route needs."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import falcon

from cims.entrypoints.auth import Principal, TokenAuthority, TokenRejected
from cims.entrypoints.http.problems import Problem
from cims.ports.inbound.kyc import KYC_REVIEW, Actor

log = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health", "/v1/openapi.json"})


class RequestIdMiddleware:
    """Tag every request with an id, echoed in the response and in problems."""

    def process_request(self, req: falcon.Request, resp: falcon.Response) -> None:
        incoming = req.get_header("X-Request-ID") or ""
        request_id = incoming if 0 < len(incoming) <= 64 else uuid.uuid4().hex
        req.context.request_id = request_id
        resp.set_header("X-Request-ID", request_id)


class AuthenticationMiddleware:
    def __init__(self, authority: TokenAuthority) -> None:
        self._authority = authority

    def process_resource(
        self,
        req: falcon.Request,
        resp: falcon.Response,
        resource: Any,
        params: dict[str, Any],
    ) -> None:
        if req.path in OPEN_PATHS or req.method == "OPTIONS":
            return
        header = req.get_header("Authorization") or ""
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _unauthorized("send 'Authorization: Bearer <token>'")
        try:
            req.context.principal = self._authority.verify(token.strip())
        except TokenRejected as error:
            raise _unauthorized(f"the bearer token was rejected: {error}") from None


def require(req: falcon.Request, scope: str) -> Principal:
    principal: Principal = req.context.principal
    if not principal.may(scope):
        raise Problem(
            403,
            "insufficient-scope",
            "Missing scope",
            f"this operation needs the scope {scope!r}",
            requiredScope=scope,
        )
    return principal


def _unauthorized(detail: str) -> Problem:
    return Problem(
        401,
        "unauthorized",
        "Authentication required",
        detail,
        headers={"WWW-Authenticate": 'Bearer realm="cims"'},
    )


def actor_of(req: falcon.Request) -> Actor:
    """The caller as the use cases see them: a name, and whether a KYC officer."""
    principal: Principal = req.context.principal
    return Actor(principal.subject, kyc_officer=principal.may(KYC_REVIEW))
