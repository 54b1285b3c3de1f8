"""Customer resources: /v1/customers and /v1/customers/{customerId}."""

from __future__ import annotations

import json
import re
from typing import Any

import falcon

from cims.domain.customer import Customer
from cims.domain.customer_document import customer_document
from cims.entrypoints.http.media import MERGE_PATCH_TYPES, read_json
from cims.entrypoints.http.pagination import decode_cursor, encode_cursor
from cims.entrypoints.http.problems import Problem
from cims.entrypoints.http.security import actor_of, require
from cims.ports.inbound.customers import CustomerFilters, CustomerService
from cims.ports.inbound.merging import MergeService
from cims.ports.inbound.search import CustomerSearch

DEFAULT_PAGE_SIZE = 100
LIST_PARAMETERS = frozenset(
    {"q", "limit", "cursor", "email", "phone", "lastName", "kycStatus"}
)
IDEMPOTENCY_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")


class Customers:
    def __init__(
        self,
        service: CustomerService,
        max_body: int,
        search: CustomerSearch | None = None,
    ) -> None:
        self._service = service
        self._max_body = max_body
        self._search = search

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        require(req, "customers:read")
        unknown = set(req.params) - LIST_PARAMETERS
        if unknown:
            raise Problem(
                400,
                "unknown-parameter",
                "Unknown query parameter",
                f"this list does not know {', '.join(sorted(unknown))}; "
                f"it takes {', '.join(sorted(LIST_PARAMETERS))}",
            )
        q = req.get_param("q")
        if q is not None and self._search is not None:
            combined = set(req.params) & (LIST_PARAMETERS - {"q", "limit"})
            if combined:
                # Ranking by name and filtering are different questions; a
                # silently ignored filter would answer the wrong one.
                raise Problem(
                    400,
                    "search-with-filters",
                    "q cannot be combined with filters",
                    f"drop {', '.join(sorted(combined))}, or use "
                    "POST /v1/customers/search with structured fields",
                )
            # Same shape as the list, best match first, each with its score.
            limit = req.get_param_as_int(
                "limit", min_value=1, max_value=100, default=20
            )
            hits = self._search.by_name(q, limit)
            resp.media = [
                {
                    **customer_document(hit.customer),
                    "matchScore": round(hit.decision.evidence.probability, 6),
                }
                for hit in hits
            ]
            return
        limit = req.get_param_as_int(
            "limit", min_value=1, max_value=500, default=DEFAULT_PAGE_SIZE
        )
        filters = CustomerFilters(
            email=req.get_param("email"),
            phone=req.get_param("phone"),
            last_name=req.get_param("lastName"),
            kyc_status=req.get_param("kycStatus"),
        )
        cursor = req.get_param("cursor")
        after = decode_cursor(cursor) if cursor else None

        page = self._service.list(filters, limit=limit, after=after)

        if page.next_after is not None:
            params = {k: v for k, v in req.params.items() if k != "cursor"}
            params["cursor"] = encode_cursor(page.next_after)
            query = falcon.to_query_str(params, prefix=True)
            resp.append_link(f"{req.prefix}{req.path}{query}", "next")
        resp.media = [customer_document(customer) for customer in page.customers]

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        require(req, "customers:write")
        key = req.get_header("Idempotency-Key")
        if key is not None and not IDEMPOTENCY_KEY.match(key):
            raise Problem(
                400,
                "bad-idempotency-key",
                "Invalid Idempotency-Key",
                "use 1 to 255 visible ASCII characters, e.g. a UUID",
            )
        document = read_json(req, self._max_body)

        registration = self._service.register(
            document, idempotency_key=key, actor=actor_of(req)
        )

        resp.status = falcon.HTTP_200 if registration.replayed else falcon.HTTP_201
        if registration.replayed:
            resp.set_header("Idempotent-Replayed", "true")
        resp.location = f"{req.prefix}/v1/customers/{registration.customer_id}"
        resp.etag = _etag(registration.document["version"])
        resp.text = json.dumps(registration.document)
        resp.content_type = falcon.MEDIA_JSON


class CustomerItem:
    def __init__(
        self,
        service: CustomerService,
        max_body: int,
        merges: MergeService | None = None,
    ) -> None:
        self._service = service
        self._max_body = max_body
        self._merges = merges

    def on_get(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, "customers:read")
        if self._merges is None:
            _render(resp, self._service.get(customer_id))
            return

        # A merged id answers 200 with the survivor, as existing clients
        # expect JSON from a GET; Content-Location and mergedInto say which
        # customer it now is. A redirect would break clients that do not
        # follow them and would hide the merge from those that do.
        resolved = self._merges.resolve(customer_id)
        _render(resp, resolved.customer)
        if resolved.merged_into is not None:
            resp.set_header(
                "Content-Location", f"{req.prefix}/v1/customers/{resolved.merged_into}"
            )
            resp.media = {**resp.media, "mergedInto": resolved.merged_into}

    def on_put(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, "customers:write")
        expected = _expected_version(req)
        document = read_json(req, self._max_body)
        _render(
            resp, self._service.replace(customer_id, document, expected, actor_of(req))
        )

    def on_patch(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, "customers:write")
        expected = _expected_version(req)
        patch = read_json(req, self._max_body, MERGE_PATCH_TYPES)
        _render(resp, self._service.amend(customer_id, patch, expected, actor_of(req)))

    def on_delete(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, "customers:write")
        self._service.remove(customer_id, _expected_version(req))
        resp.status = falcon.HTTP_204


def _render(resp: falcon.Response, customer: Customer) -> None:
    resp.etag = _etag(customer.version)
    resp.media = customer_document(customer)


def _etag(version: Any) -> str:
    return f'"{version}"'


def _expected_version(req: falcon.Request) -> int | None:
    """The version named by If-Match; a tag that names no version never matches."""
    header = req.get_header("If-Match")
    if header is None or header.strip() == "*":
        return None
    tag = header.split(",")[0].strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise Problem(
            400,
            "bad-if-match",
            "Invalid If-Match",
            'send the ETag this API returned, e.g. If-Match: "3"',
        )
    return int(tag)
