"""docs/events/*.schema.json describe exactly what `to_message()` produces."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from cims.domain import events
from cims.domain.events import (
    CustomerActivity,
    CustomersMerged,
    CustomerUnmerged,
    DomainEvent,
    KycStatusChanged,
)
from tests.support.customers import memory_service

SCHEMAS = Path(__file__).parents[3] / "docs" / "events"
NOW = dt.datetime(2024, 5, 1, 12, 30, tzinfo=dt.UTC)

FULL_DOCUMENT = {
    "firstName": "Zoë",
    "lastName": "O'Brien-Łukasz",
    "email": "zoe@example.com",
    "phone": "+44 20 7946 0018 ext. 12",
    "postalAddress": {
        "lines": ["Flat 2", "1 Main Street"],
        "city": "London",
        "postalCode": "N1 9GU",
        "country": "GB",
    },
    "dateOfBirth": "1985-12-10",
    "nationality": "GB",
    "kycStatus": "Pending",
    "accounts": [
        {"accountId": "GB-001", "type": "current", "currency": "gbp"},
        {
            "accountId": "GB-002",
            "type": "mortgage",
            "currency": "EUR",
            "status": "frozen",
            "openedOn": "2020-02-29",
        },
    ],
    "preferences": {
        "language": "en-GB",
        "contactChannels": ["email", "sms"],
        "marketingConsent": True,
    },
}


def schema_for(event_type: str) -> dict[str, Any]:
    name = event_type.lower().replace("_", "-") + ".schema.json"
    schema: dict[str, Any] = json.loads((SCHEMAS / name).read_text())
    Draft202012Validator.check_schema(schema)
    return schema


def problems(message: dict[str, Any]) -> list[str]:
    validator = Draft202012Validator(
        schema_for(message["event"]), format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(message)
    ]


def messages_from_use_cases() -> list[dict[str, Any]]:
    """CREATED, UPDATED and DELETED exactly as the customer use cases emit them."""
    store, customers = memory_service()
    full = customers.register(FULL_DOCUMENT).customer_id
    bare = customers.register({"firstName": "Ada", "lastName": "Lovelace"}).customer_id
    customers.amend(full, {"email": None, "phone": "+1 212 555 0100"})
    customers.amend(full, {"accounts": [], "preferences": {"language": "fr"}})
    customers.amend(bare, {"postalAddress": {"city": "Paris", "country": "FR"}})
    customers.replace(bare, {"firstName": "Ada", "lastName": "King"})
    customers.remove(bare)
    return [message.value for message in store.outbox]


def messages_built_directly() -> list[dict[str, Any]]:
    """Events no use case emits yet on this branch, built as the core would."""
    base: dict[str, Any] = {
        "event_id": "01HX-event",
        "customer_id": "01HX-survivor",
        "occurred_at": NOW,
    }
    built: list[DomainEvent] = [
        KycStatusChanged(
            **base,
            from_status="InReview",
            to_status="Verified",
            reason="documents checked",
            actor="analyst-17",
        ),
        CustomersMerged(**base, merged_ids=("01HX-a", "01HX-b")),
        CustomerUnmerged(**base, restored_id="01HX-a"),
        CustomerActivity(**base, activity_type="LOGIN", channel="web"),
        CustomerActivity(
            **base, activity_type="BRANCH_VISIT", details={"branch": "Leeds"}
        ),
    ]
    return [event.to_message() for event in built]


ALL_MESSAGES = messages_from_use_cases() + messages_built_directly()


@pytest.mark.parametrize(
    "message", ALL_MESSAGES, ids=[m["event"] for m in ALL_MESSAGES]
)
def test_every_emitted_message_matches_its_schema(message: dict[str, Any]) -> None:
    assert problems(message) == []


def test_every_event_class_has_a_schema_and_an_example_above() -> None:
    classes = {
        cls.event_type
        for cls in vars(events).values()
        if isinstance(cls, type) and issubclass(cls, DomainEvent) and cls.event_type
    }

    assert {path.name for path in SCHEMAS.glob("*.schema.json")} == {
        t.lower().replace("_", "-") + ".schema.json" for t in classes
    }
    assert {m["event"] for m in ALL_MESSAGES} == classes


def test_a_message_without_its_event_id_is_rejected() -> None:
    message = dict(ALL_MESSAGES[0])
    del message["eventId"]

    assert problems(message) == [": 'eventId' is a required property"]


def test_an_undocumented_field_is_rejected_so_schemas_stay_complete() -> None:
    message = {**ALL_MESSAGES[0], "tenant": "eu"}

    assert len(problems(message)) == 1
    assert "tenant" in problems(message)[0]


def test_an_update_must_name_at_least_one_known_field() -> None:
    update = next(m for m in ALL_MESSAGES if m["event"] == "CUSTOMER_UPDATED")

    assert problems({**update, "changes": {}}) != []
    assert problems({**update, "changes": {"version": 3}}) != []
