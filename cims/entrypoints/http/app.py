"""Build the Falcon application from use cases and settings."""

from __future__ import annotations

from typing import Any

import falcon

from cims.entrypoints.auth import TokenAuthority
from cims.entrypoints.http.activities import Activities
from cims.entrypoints.http.customers import CustomerItem, Customers
from cims.entrypoints.http.health import Health, OpenApi
from cims.entrypoints.http.jobs import JobRuns, Metrics
from cims.entrypoints.http.kyc import (
    HitClearance,
    KycCaseItem,
    KycDecisions,
    KycSubmissions,
    ScreeningHits,
)
from cims.entrypoints.http.merging import (
    CustomerLineageResource,
    CustomerMerge,
    CustomerSearchResource,
    CustomerUnmerge,
    DuplicateDecision,
    Duplicates,
)
from cims.entrypoints.http.problems import install_error_handling
from cims.entrypoints.http.security import (
    AuthenticationMiddleware,
    RequestIdMiddleware,
)
from cims.ports.inbound.activity import ActivityService
from cims.ports.inbound.customers import CustomerService
from cims.ports.inbound.kyc import KycService
from cims.ports.inbound.merging import MergeService
from cims.ports.inbound.review import ReviewService
from cims.ports.inbound.search import CustomerSearch
from cims.ports.outbound.jobs import JobRunRepository


def create_app(
    customers: CustomerService,
    authority: TokenAuthority,
    kyc: KycService,
    max_body_bytes: int = 1_000_000,
    *,
    activities: ActivityService | None = None,
    job_runs: JobRunRepository | None = None,
    merges: MergeService | None = None,
    reviews: ReviewService | None = None,
    search: CustomerSearch | None = None,
) -> falcon.App[falcon.Request, falcon.Response]:
    middleware: list[Any] = [RequestIdMiddleware(), AuthenticationMiddleware(authority)]
    app = falcon.App(middleware=middleware)
    app.req_options.strip_url_path_trailing_slash = True
    install_error_handling(app)

    app.add_route("/health", Health())
    app.add_route("/v1/openapi.json", OpenApi())
    app.add_route("/v1/customers", Customers(customers, max_body_bytes, search))
    app.add_route(
        "/v1/customers/{customer_id}",
        CustomerItem(customers, max_body_bytes, merges),
    )
    if search is not None:
        app.add_route(
            "/v1/customers/search", CustomerSearchResource(search, max_body_bytes)
        )
    if merges is not None:
        item = "/v1/customers/{customer_id}"
        app.add_route(f"{item}/merge", CustomerMerge(merges, max_body_bytes))
        app.add_route(f"{item}/unmerge", CustomerUnmerge(merges, max_body_bytes))
        app.add_route(f"{item}/lineage", CustomerLineageResource(merges))
    if reviews is not None:
        app.add_route("/v1/duplicates", Duplicates(reviews))
        app.add_route(
            "/v1/duplicates/{review_id}/decision",
            DuplicateDecision(reviews, max_body_bytes),
        )

    case = "/v1/customers/{customer_id}/kyc"
    app.add_route(case, KycCaseItem(kyc, max_body_bytes))
    app.add_route(f"{case}/submissions", KycSubmissions(kyc, max_body_bytes))
    app.add_route(f"{case}/decisions", KycDecisions(kyc, max_body_bytes))
    app.add_route(f"{case}/screening-hits", ScreeningHits(kyc, max_body_bytes))
    app.add_route(
        f"{case}/screening-hits/{{hit_id}}/clearance", HitClearance(kyc, max_body_bytes)
    )
    if activities is not None:
        app.add_route(
            "/v1/customers/{customer_id}/activities",
            Activities(activities, max_body_bytes),
        )
    if job_runs is not None:
        app.add_route("/v1/jobs", JobRuns(job_runs))
        app.add_route("/metrics", Metrics(job_runs))
    return app
