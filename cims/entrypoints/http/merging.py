"""Merging, duplicate review and fuzzy search resources.

/v1/customers/{id}/merge, /unmerge and /lineage; /v1/duplicates and a
review's /decision; /v1/customers/search. GET /v1/customers?q= is served by
`customers.Customers` through `search_results`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import falcon

from cims.domain.customer_document import customer_document
from cims.domain.errors import FieldError, InvalidInput
from cims.domain.lineage import CustomerLineage
from cims.domain.review import DuplicateReview, review_document
from cims.domain.survivorship import GoldenRecord
from cims.entrypoints.http.media import read_json
from cims.entrypoints.http.pagination import decode_cursor, encode_cursor
from cims.entrypoints.http.security import actor_of, require
from cims.ports.inbound.merging import MergeService
from cims.ports.inbound.review import ReviewService
from cims.ports.inbound.search import CustomerSearch, SearchCriteria, SearchHit

MERGE_SCOPE = "customers:merge"

_SEARCH_FIELDS = {
    "name": "name",
    "firstName": "given_name",
    "lastName": "surname",
    "email": "email",
    "phone": "phone",
    "address": "address_line",
    "postalCode": "postcode",
    "city": "city",
    "country": "country",
}


def hit_document(hit: SearchHit) -> dict[str, Any]:
    evidence = hit.decision.evidence
    return {
        "customer": customer_document(hit.customer),
        "score": round(evidence.probability, 6),
        "decision": hit.decision.decision,
        "explanation": [
            {"field": f.field, "level": f.level, "weight": round(f.weight, 4)}
            for f in evidence.fields
        ],
    }


class CustomerSearchResource:
    def __init__(self, search: CustomerSearch, max_body: int) -> None:
        self._search = search
        self._max_body = max_body

    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        require(req, "customers:read")
        body = read_json(req, self._max_body)
        if not isinstance(body, dict):
            raise InvalidInput(
                "the body must be a JSON object", [FieldError("", "must be an object")]
            )
        unknown = set(body) - {*_SEARCH_FIELDS, "dateOfBirth", "limit"}
        if unknown:
            raise InvalidInput(
                f"unknown search fields: {', '.join(sorted(unknown))}",
                [FieldError(name, "is not a search field") for name in sorted(unknown)],
            )
        values: dict[str, Any] = {}
        for name, attribute in _SEARCH_FIELDS.items():
            value = body.get(name)
            if value is not None:
                values[attribute] = _text(value, name)
        if body.get("dateOfBirth") is not None:
            values["date_of_birth"] = _date(body["dateOfBirth"])
        limit = body.get("limit", 20)
        if not isinstance(limit, int) or isinstance(limit, bool):
            raise InvalidInput(
                "limit must be an integer", [FieldError("limit", "must be an integer")]
            )

        hits = self._search.by_fields(SearchCriteria(**values), limit)

        resp.media = {"results": [hit_document(hit) for hit in hits]}


class CustomerMerge:
    def __init__(self, merges: MergeService, max_body: int) -> None:
        self._merges = merges
        self._max_body = max_body

    def on_post(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, MERGE_SCOPE)
        body = _object(read_json(req, self._max_body))
        merged_ids = body.get("mergedIds")
        if not isinstance(merged_ids, list) or not all(
            isinstance(i, str) for i in merged_ids
        ):
            raise InvalidInput(
                "mergedIds must be a list of customer ids",
                [FieldError("mergedIds", "must be a list of customer ids")],
            )
        reason = _reason(body)

        survivor = self._merges.merge(customer_id, merged_ids, actor_of(req), reason)

        resp.etag = f'"{survivor.version}"'
        resp.media = customer_document(survivor)


class CustomerUnmerge:
    def __init__(self, merges: MergeService, max_body: int) -> None:
        self._merges = merges
        self._max_body = max_body

    def on_post(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, MERGE_SCOPE)
        body = _object(read_json(req, self._max_body))
        restored_id = body.get("customerId")
        if not isinstance(restored_id, str) or not restored_id:
            raise InvalidInput(
                "customerId must name the customer to split off",
                [FieldError("customerId", "must be a customer id")],
            )
        reason = _reason(body)

        survivor, restored = self._merges.unmerge(
            customer_id, restored_id, actor_of(req), reason
        )

        resp.media = {
            "survivor": customer_document(survivor),
            "restored": customer_document(restored),
        }


class CustomerLineageResource:
    def __init__(self, merges: MergeService) -> None:
        self._merges = merges

    def on_get(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, "customers:read")
        view = self._merges.lineage(customer_id)
        resp.media = lineage_body(view.lineage, view.golden)


def lineage_body(lineage: CustomerLineage, golden: GoldenRecord) -> dict[str, Any]:
    return {
        "customerId": lineage.customer_id,
        "provenance": {field: str(ref) for field, ref in golden.provenance.items()},
        "sources": [
            {
                "source": s.source,
                "sourceKey": s.source_key,
                "receivedAt": s.received_at.isoformat(),
                "values": s.values,
            }
            for s in lineage.sources
        ],
        "mergedIds": [m.merged_id for m in lineage.merges],
        "history": [
            {
                "action": h.action,
                "customerId": h.other_id,
                "at": h.at.isoformat(),
                "actor": h.actor,
                "reason": h.reason,
            }
            for h in lineage.history
        ],
    }


class Duplicates:
    def __init__(self, reviews: ReviewService) -> None:
        self._reviews = reviews

    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        require(req, "customers:read")
        limit = req.get_param_as_int("limit", min_value=1, max_value=200, default=50)
        status = req.get_param("status") or "open"
        cursor = req.get_param("cursor")
        after = decode_cursor(cursor) if cursor else None

        found = self._reviews.list(status, after, limit)  # type: ignore[arg-type]

        if len(found) == limit:
            params = {k: v for k, v in req.params.items() if k != "cursor"}
            params["cursor"] = encode_cursor(found[-1].pair_id)
            query = falcon.to_query_str(params, prefix=True)
            resp.append_link(f"{req.prefix}{req.path}{query}", "next")
        resp.media = [_review_body(review) for review in found]


class DuplicateDecision:
    def __init__(self, reviews: ReviewService, max_body: int) -> None:
        self._reviews = reviews
        self._max_body = max_body

    def on_post(
        self, req: falcon.Request, resp: falcon.Response, review_id: str
    ) -> None:
        require(req, MERGE_SCOPE)
        body = _object(read_json(req, self._max_body))
        decision = body.get("decision")
        reason = _reason(body)
        actor = actor_of(req)
        if decision == "merge":
            review = self._reviews.confirm(review_id, actor, reason)
        elif decision == "reject":
            review = self._reviews.reject(review_id, actor, reason)
        else:
            raise InvalidInput(
                f"decision must be merge or reject; got {decision!r}",
                [FieldError("decision", "must be merge or reject")],
            )
        resp.media = _review_body(review)


def _review_body(review: DuplicateReview) -> dict[str, Any]:
    body = review_document(review)
    body["id"] = body.pop("pairId")
    del body["fingerprint"]
    return body


def _object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise InvalidInput(
            "the body must be a JSON object", [FieldError("", "must be an object")]
        )
    return body


def _reason(body: dict[str, Any]) -> str:
    reason = body.get("reason")
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 1000:
        raise InvalidInput(
            "reason must say why, in 1 to 1000 characters",
            [FieldError("reason", "must be 1 to 1000 characters")],
        )
    return reason.strip()


def _text(value: Any, field: str) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise InvalidInput(
            f"{field} must be a string of at most 200 characters",
            [FieldError(field, "must be a string of at most 200 characters")],
        )
    return value


def _date(value: Any) -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(
            f"dateOfBirth must be a date as YYYY-MM-DD; got {str(value)[:20]!r}",
            [FieldError("dateOfBirth", "must be a date as YYYY-MM-DD")],
        ) from None
