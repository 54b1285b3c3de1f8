"""Fuzzy customer search: by a typed name, or by structured fields.

Candidates are the customers sharing a retrieval key with the query (stored
and indexed by every storage adapter), then scored by the matching engine,
exactly as deduplication scores a pair, and returned best first with the
per-field evidence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence

import attrs

from cims.domain.customer import Customer
from cims.domain.errors import FieldError, InvalidInput
from cims.domain.matching import MatchSettings, PairDecision, PersonRecord
from cims.domain.matching.ranking import Ranker, name_query
from cims.domain.search_keys import match_keys, person_record
from cims.ports.outbound.unit_of_work import UnitOfWork

MAX_RESULTS = 100
# Candidates scored per query: bounds the work whatever the data.
CANDIDATES = 100


@attrs.frozen
class SearchCriteria:
    """What a caller knows about the person; at least a name or one identifier."""

    given_name: str | None = None
    surname: str | None = None
    name: str | None = None
    date_of_birth: dt.date | None = None
    email: str | None = None
    phone: str | None = None
    address_line: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None


@attrs.frozen
class SearchHit:
    customer: Customer
    decision: PairDecision


class CustomerSearch:
    def __init__(
        self,
        unit_of_work: Callable[[], UnitOfWork],
        settings: MatchSettings | None = None,
    ) -> None:
        self._unit_of_work = unit_of_work
        self._ranker = Ranker(settings)

    def by_name(self, text: str, limit: int = 20) -> list[SearchHit]:
        """Customers ranked by how well their name matches `text`."""
        _check_limit(limit)
        if not text.strip():
            raise InvalidInput("q must not be empty", [FieldError("q", "is empty")])
        readings = name_query(text)
        keys: set[str] = set()
        for reading in readings:
            keys |= match_keys(reading.given_name, reading.surname)
        # One word: its sound is its only key; the reading order does not matter.
        return self._ranked(readings, keys, limit)

    def by_fields(self, criteria: SearchCriteria, limit: int = 20) -> list[SearchHit]:
        """Customers ranked by the matching engine against every given field."""
        _check_limit(limit)
        given, surname = criteria.given_name, criteria.surname
        if criteria.name and not (given or surname):
            reading = name_query(criteria.name)[0]
            given, surname = reading.given_name, reading.surname
        query = PersonRecord(
            "query",
            given_name=given,
            surname=surname,
            date_of_birth=criteria.date_of_birth,
            email=criteria.email,
            phone=criteria.phone,
            address_line=criteria.address_line,
            postcode=criteria.postcode,
            city=criteria.city,
            country=criteria.country,
        )
        keys = match_keys(
            given, surname, criteria.date_of_birth, criteria.email, criteria.phone
        )
        if not keys:
            raise InvalidInput(
                "a search needs a name, date of birth, email or phone",
                [FieldError("", "give a name, dateOfBirth, email or phone")],
            )
        return self._ranked([query], keys, limit)

    def _ranked(
        self, readings: Sequence[PersonRecord], keys: Collection[str], limit: int
    ) -> list[SearchHit]:
        with self._unit_of_work() as uow:
            found = uow.customers.search(keys, CANDIDATES)
        by_id = {customer.id: customer for customer in found}
        ranked = self._ranker.rank(readings, [person_record(c) for c in found])
        return [SearchHit(by_id[d.record_b], d) for d in ranked[:limit]]


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_RESULTS:
        raise InvalidInput(
            f"limit must be between 1 and {MAX_RESULTS}; got {limit}",
            [FieldError("limit", f"must be between 1 and {MAX_RESULTS}")],
        )
