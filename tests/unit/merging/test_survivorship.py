"""Survivorship rules: properties of the golden record and the declared rules."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cims.domain.source_feeds import SourceRecord
from cims.domain.survivorship import SourceRef, SurvivorshipRules, golden_record
from cims.domain.survivorship.rules import FIELDS, SurvivorshipError
from cims.testing.strategies import customer_documents

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def record(
    source: str, key: str, values: dict[str, Any], minutes: int = 0
) -> SourceRecord:
    return SourceRecord(
        source, key, "c-1", "h", values, T0 + dt.timedelta(minutes=minutes)
    )


@st.composite
def source_sets(draw: st.DrawFn) -> list[SourceRecord]:
    count = draw(st.integers(1, 4))
    return [
        record(
            draw(st.sampled_from(["api", "crm", "kyc", "core-banking"])),
            f"k{index}",
            draw(customer_documents()),
            draw(st.integers(0, 3)),
        )
        for index in range(count)
    ]


@given(source_sets(), st.randoms())
def test_the_golden_record_does_not_depend_on_the_order_sources_arrived(
    sources, rng
) -> None:
    shuffled = list(sources)
    rng.shuffle(shuffled)

    assert golden_record(shuffled) == golden_record(sources)


@given(source_sets())
def test_every_field_some_source_offers_has_a_value_that_a_source_holds(
    sources,
) -> None:
    golden = golden_record(sources)

    for field in FIELDS:
        offered = [s for s in sources if s.values.get(field) not in (None, "", [], {})]
        if field == "accounts":
            wanted = {a["accountId"] for s in offered for a in s.values["accounts"]}
            assert {
                a["accountId"] for a in golden.document.get("accounts", [])
            } == wanted
            continue
        assert (field in golden.document) == bool(offered)
        if offered:
            ref = golden.provenance[field]
            origin = next(
                s for s in sources if SourceRef(s.source, s.source_key) == ref
            )
            assert origin.values[field] == golden.document[field]


@given(customer_documents())
def test_one_source_is_its_own_golden_record(document) -> None:
    golden = golden_record([record("api", "c-1", document)])

    for field in FIELDS:
        if document.get(field) not in (None, "", [], {}):
            assert golden.document[field] == document[field]


def test_identity_fields_follow_trust_and_contact_fields_follow_recency() -> None:
    older_kyc = record("kyc", "1", {"lastName": "Roe", "email": "old@example.com"}, 0)
    newer_api = record("api", "2", {"lastName": "Row", "email": "new@example.com"}, 5)

    golden = golden_record([older_kyc, newer_api])

    assert golden.document["lastName"] == "Roe"
    assert golden.document["email"] == "new@example.com"
    assert golden.provenance["lastName"] == SourceRef("kyc", "1")


def test_verified_kyc_data_wins_over_a_more_trusted_source() -> None:
    verified = record("api", "1", {"lastName": "Roe", "kycStatus": "Verified"})
    trusted = record("kyc", "2", {"lastName": "Row"}, 5)

    assert golden_record([verified, trusted]).document["lastName"] == "Roe"


def test_a_rule_change_recomputes_the_golden_record() -> None:
    crm = record("crm", "1", {"lastName": "Roe"}, 0)
    api = record("api", "2", {"lastName": "Row"}, 5)
    crm_first = SurvivorshipRules(trust_order=("crm", "api"))
    newest_first = SurvivorshipRules(overrides=(("lastName", ("recent",)),))

    assert golden_record([crm, api], crm_first).document["lastName"] == "Roe"
    assert golden_record([crm, api], newest_first).document["lastName"] == "Row"


def test_an_unknown_rule_or_field_is_refused() -> None:
    with pytest.raises(SurvivorshipError, match="nickname"):
        SurvivorshipRules(overrides=(("nickname", ("recent",)),))
    with pytest.raises(SurvivorshipError, match="loudest"):
        SurvivorshipRules(overrides=(("lastName", ("loudest",)),))  # type: ignore[arg-type]
