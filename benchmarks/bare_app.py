"""A bare Falcon app answering with a constant customer: the benchmark's floor."""

from __future__ import annotations

import json

import falcon

CUSTOMER = json.dumps(
    {
        "id": "01a23cf8-c532-7119-9251-24b39cbde921",
        "firstName": "Jane",
        "lastName": "Roe",
        "email": "jane.roe@example.com",
        "phone": "1234567890",
        "address": "12 High St",
        "kycStatus": "Pending",
        "version": 1,
    }
)


class Customers:
    def on_post(self, req: falcon.Request, resp: falcon.Response) -> None:
        req.bounded_stream.read()
        resp.status = falcon.HTTP_201
        resp.text = CUSTOMER
        resp.content_type = falcon.MEDIA_JSON


class Customer:
    def on_get(
        self, req: falcon.Request, resp: falcon.Response, customer_id: str
    ) -> None:
        resp.text = CUSTOMER
        resp.content_type = falcon.MEDIA_JSON


app = falcon.App()
app.add_route("/v1/customers", Customers())
app.add_route("/v1/customers/{customer_id}", Customer())
