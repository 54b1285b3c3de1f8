"""/health and the OpenAPI document: the only routes open without a token."""

from __future__ import annotations

import falcon

from cims.entrypoints.http.openapi import openapi_document


class Health:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = {"status": "ok"}

    def on_head(self, req: falcon.Request, resp: falcon.Response) -> None:
        """Load balancers often probe with HEAD."""
        resp.content_type = falcon.MEDIA_JSON


class OpenApi:
    def on_get(self, req: falcon.Request, resp: falcon.Response) -> None:
        resp.media = openapi_document()
