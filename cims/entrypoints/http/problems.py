"""RFC 7807 problem details: every error response, and how CIMS errors map to them.

Problem types are URNs listed in docs/integration-guide.md; clients branch on
`type`, people read `title` and `detail`. No response ever carries a trace.
"""

from __future__ import annotations

import json
import logging
from http import HTTPStatus
from typing import Any

import falcon

from cims.domain.errors import (
    CimsError,
    CustomerNotFound,
    DuplicateRequest,
    InvalidInput,
    NotPermitted,
    ScreeningHitNotFound,
    ServiceUnavailable,
    TransitionNotAllowed,
    VerificationBlocked,
    VersionConflict,
)
from cims.domain.lineage import MergeRefused
from cims.domain.review import ReviewClosed, ReviewNotFound

log = logging.getLogger(__name__)

PROBLEM_JSON = "application/problem+json"
TYPE_PREFIX = "urn:cims:problem:"


class Problem(falcon.HTTPError):
    """An HTTP error rendered as problem+json."""

    def __init__(
        self,
        status: int,
        kind: str,
        title: str,
        detail: str | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(falcon.code_to_http_status(status), headers=headers)
        self.kind = kind
        self.problem_title = title
        self.problem_detail = detail
        self.extra = extra

    def to_problem(self, instance: str) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": TYPE_PREFIX + self.kind,
            "title": self.problem_title,
            "status": int(self.status_code),
            "instance": instance,
        }
        if self.problem_detail:
            body["detail"] = self.problem_detail
        body.update(self.extra)
        return body


def problem_from_domain(error: CimsError) -> Problem:
    """The HTTP face of a domain error; the only place that knows the mapping."""
    if isinstance(error, InvalidInput):
        errors = [{"field": e.field, "message": e.message} for e in error.errors]
        return Problem(
            422,
            "validation-error",
            "The request is not valid",
            str(error),
            errors=errors,
        )
    if isinstance(error, CustomerNotFound):
        return Problem(
            404,
            "customer-not-found",
            "No such customer",
            str(error),
            customerId=error.customer_id,
        )
    if isinstance(error, VersionConflict):
        return Problem(
            412,
            "version-conflict",
            "The customer changed since you read it",
            str(error),
            currentVersion=error.actual,
        )
    if isinstance(error, DuplicateRequest):
        return Problem(
            422,
            "idempotency-key-reused",
            "Idempotency-Key reused with a different body",
            str(error),
        )
    if isinstance(error, ScreeningHitNotFound):
        return Problem(
            404,
            "screening-hit-not-found",
            "No such screening hit",
            str(error),
            customerId=error.customer_id,
            hitId=error.hit_id,
        )
    if isinstance(error, NotPermitted):
        # Permissions are scopes at this edge, so this reads like `require`.
        return Problem(
            403,
            "insufficient-scope",
            "Missing scope",
            str(error),
            requiredScope=error.permission,
        )
    if isinstance(error, VerificationBlocked):
        return Problem(
            409,
            "verification-blocked",
            "Verification blocked",
            str(error),
            allowed=list(error.allowed),
            reasons=list(error.reasons),
        )
    if isinstance(error, TransitionNotAllowed):
        return Problem(
            409,
            "transition-not-allowed",
            "Transition not allowed",
            str(error),
            allowed=list(error.allowed),
        )
    if isinstance(error, ReviewNotFound):
        return Problem(404, "review-not-found", "No such duplicate review", str(error))
    if isinstance(error, ReviewClosed):
        return Problem(
            409,
            "review-closed",
            "The review is already decided",
            str(error),
            reviewStatus=error.status,
        )
    if isinstance(error, MergeRefused):
        return Problem(409, "merge-refused", "Merge refused", str(error))
    if isinstance(error, ServiceUnavailable):
        return Problem(
            503,
            "service-unavailable",
            f"{error.service} is unavailable; retry shortly",
            headers={"Retry-After": str(error.retry_after)},
        )
    return Problem(400, "bad-request", "The request cannot be served", str(error))


def install_error_handling(app: falcon.App[falcon.Request, falcon.Response]) -> None:
    def on_domain_error(
        req: falcon.Request,
        resp: falcon.Response,
        error: CimsError,
        params: dict[str, Any],
    ) -> None:
        if isinstance(error, ServiceUnavailable):
            log.warning("answering 503 to %s %s: %s", req.method, req.path, error)
        raise problem_from_domain(error) from error

    def on_unexpected(
        req: falcon.Request,
        resp: falcon.Response,
        error: Exception,
        params: dict[str, Any],
    ) -> None:
        if isinstance(error, falcon.HTTPError):
            raise error
        log.exception(
            "unexpected error answering %s %s (request id %s)",
            req.method,
            req.path,
            req.context.get("request_id"),
        )
        raise Problem(
            500,
            "internal-error",
            "Internal server error",
            "The error was logged with the request id; "
            "quote it when reporting the problem.",
        ) from error

    def serialize(
        req: falcon.Request, resp: falcon.Response, error: falcon.HTTPError
    ) -> None:
        if isinstance(error, Problem):
            body = error.to_problem(req.path)
        else:
            phrase = HTTPStatus(int(error.status_code)).phrase
            body = {
                "type": TYPE_PREFIX + _slug(phrase),
                "title": phrase if _is_status_line(error.title) else error.title,
                "status": int(error.status_code),
                "instance": req.path,
            }
            if error.description:
                body["detail"] = error.description
        request_id = req.context.get("request_id")
        if request_id:
            body["requestId"] = request_id
        resp.content_type = PROBLEM_JSON
        resp.text = json.dumps(body)

    app.add_error_handler(Exception, on_unexpected)
    app.add_error_handler(CimsError, on_domain_error)
    app.set_error_serializer(serialize)


def _slug(title: str) -> str:
    return "-".join(title.lower().split())


def _is_status_line(title: str | None) -> bool:
    """Falcon's default titles are status lines such as "404 Not Found"."""
    return not title or title[:3].isdigit()
