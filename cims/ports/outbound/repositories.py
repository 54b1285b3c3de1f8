"""The customer repository port and the query it answers."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Protocol

import attrs

from cims.domain.customer import Customer
from cims.domain.values import KycStatus


@attrs.frozen
class CustomerQuery:
    """Filters on normalised keys (see `cims.domain.search_keys`) and a page.

    Customers are listed in id order; ids are time-ordered, so this is roughly
    creation order. `after` is the last id of the previous page (keyset
    pagination: stable when customers are added while a client pages).
    """

    email: str | None = None
    phone: str | None = None
    last_name: str | None = None
    kyc_status: KycStatus | None = None
    after: str | None = None
    limit: int = 100


# A retrieval key shared by very many customers ("n:SM0", every Smith) brings
# at most this many of them (the lowest ids); selective keys do the finding.
PER_KEY_CAP = 500


@attrs.frozen
class CustomerPage:
    customers: Sequence[Customer]
    next_after: str | None


class CustomerRepository(Protocol):
    def get(self, customer_id: str) -> Customer | None:
        """The customer, or None when no customer has that id."""
        ...

    def add(self, customer: Customer) -> None:
        """Store a new customer (version 1)."""
        ...

    def update(self, customer: Customer, expected_version: int) -> None:
        """Store a new version of a customer.

        Raises:
            VersionConflict: the stored version is not `expected_version`.
        """
        ...

    def remove(self, customer_id: str, expected_version: int) -> None:
        """Delete a customer.

        Raises:
            VersionConflict: the stored version is not `expected_version`.
        """
        ...

    def list(self, query: CustomerQuery) -> CustomerPage:
        """One page of customers matching every filter given."""
        ...

    def search(self, keys: Collection[str], limit: int) -> Sequence[Customer]:
        """Customers sharing at least one retrieval key (`match_keys`).

        Most keys shared first, then by id; each key contributes at most
        `PER_KEY_CAP` customers (its lowest ids), and at most `limit` are
        returned. Adapters store and index each customer's
        `customer_match_keys` whenever they store the customer.
        """
        ...
