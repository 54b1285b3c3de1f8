"""Retrieval keys in SQL: written with each customer, read by (kind, value)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import sqlalchemy as sa

from cims.adapters.sqlalchemy.schema import customer_search_keys, customers
from cims.adapters.sqlalchemy.translation import READ_COLUMNS
from cims.domain.customer import Customer
from cims.domain.search_keys import customer_match_keys
from cims.ports.outbound.repositories import PER_KEY_CAP

_k = customer_search_keys.c
DELETE_KEYS = sa.delete(customer_search_keys).where(
    _k.customer_id == sa.bindparam("match_id")
)
INSERT_KEYS = sa.insert(customer_search_keys)
# Longer values are cut: a key only gathers candidates, it decides nothing.
MAX_VALUE = 200


def key_rows(customer: Customer) -> list[dict[str, Any]]:
    rows = []
    for key in sorted(customer_match_keys(customer)):
        kind, _, value = key.partition(":")
        rows.append(
            {"kind": kind, "value": value[:MAX_VALUE], "customer_id": customer.id}
        )
    return rows


def search_statement(keys: Collection[str], limit: int) -> sa.Select[Any]:
    """Customers sharing most keys first; each key brings its lowest ids only."""
    per_key = []
    for key in sorted(keys):
        kind, _, value = key.partition(":")
        per_key.append(
            sa.select(_k.customer_id)
            .where(_k.kind == kind, _k.value == value[:MAX_VALUE])
            .order_by(_k.customer_id)
            .limit(PER_KEY_CAP)
            .subquery()
        )
    hits = sa.union_all(*(sa.select(q.c.customer_id) for q in per_key)).subquery()
    shared = sa.func.count().label("shared")
    ranked = (
        sa.select(hits.c.customer_id, shared)
        .group_by(hits.c.customer_id)
        .order_by(shared.desc(), hits.c.customer_id)
        .limit(limit)
        .subquery()
    )
    return (
        sa.select(*READ_COLUMNS)
        .join(ranked, ranked.c.customer_id == customers.c.id)
        .order_by(ranked.c.shared.desc(), customers.c.id)
    )
