"""/v1/customers/{customerId}/activities: record and read customer activity."""

from __future__ import annotations

import falcon

from cims.domain.activity import activity_document
from cims.entrypoints.http.media import read_json
from cims.entrypoints.http.pagination import decode_cursor, encode_cursor
from cims.entrypoints.http.security import require
from cims.ports.inbound.activity import ActivityService


class Activities:
    def __init__(self, service: ActivityService, max_body: int) -> None:
        self._service = service
        self._max_body = max_body

    def on_post(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        principal = require(req, "customers:write")
        document = read_json(req, self._max_body)

        activity = self._service.record(customer_id, document, principal.subject)

        resp.status = falcon.HTTP_201
        resp.media = activity_document(activity)

    def on_get(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        require(req, "customers:read")
        limit = req.get_param_as_int("limit", min_value=1, max_value=500, default=50)
        cursor = req.get_param("cursor")
        before = decode_cursor(cursor) if cursor else None

        activities = self._service.history(customer_id, limit + 1, before)

        page = list(activities[:limit])
        if len(activities) > limit:
            params = {k: v for k, v in req.params.items() if k != "cursor"}
            params["cursor"] = encode_cursor(page[-1].activity_id)
            query = falcon.to_query_str(params, prefix=True)
            resp.append_link(f"{req.prefix}{req.path}{query}", "next")
        resp.media = [activity_document(activity) for activity in page]
