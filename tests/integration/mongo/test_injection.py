"""No value from a request ever reaches MongoDB as a query operator."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cims.adapters.mongo import MongoDocumentRepository, MongoStore
from cims.adapters.mongo.safety import plain_keys
from cims.domain.errors import InvalidCustomer, InvalidInput
from cims.domain.values import name_key
from cims.ports.inbound.customers import CustomerFilters, CustomerService
from cims.ports.outbound.repositories import CustomerQuery
from tests.support.customers import FixedClock, SequentialIds, customer_body

pytestmark = pytest.mark.mongo

OPERATORS: list[Any] = [
    {"$ne": None},
    {"$gt": ""},
    {"$regex": ".*"},
    {"$where": "return true"},
    ["$ne", None],
    1,
    True,
]
OPERATOR_TEXT = ['{"$ne": null}', "$ne", "$where", "{$gt: ''}", ".*", "a.b", "$"]


def service(store: MongoStore) -> CustomerService:
    return CustomerService(store.unit_of_work, FixedClock(), SequentialIds())


class TestFilters:
    @pytest.mark.parametrize("value", OPERATORS, ids=repr)
    def test_a_non_string_filter_value_is_refused_before_any_query(
        self, store: MongoStore, value: Any
    ) -> None:
        service(store).register(customer_body())

        for query in (
            CustomerQuery(email=value),
            CustomerQuery(phone=value),
            CustomerQuery(last_name=value),
            CustomerQuery(after=value),
        ):
            with pytest.raises(InvalidInput), store.unit_of_work() as uow:
                uow.customers.list(query)

    @pytest.mark.parametrize("value", OPERATORS, ids=repr)
    def test_a_non_string_id_or_key_is_refused(
        self, store: MongoStore, value: Any
    ) -> None:
        with store.unit_of_work() as uow:
            with pytest.raises(InvalidInput):
                uow.customers.get(value)
            with pytest.raises(InvalidInput):
                uow.idempotency.get(value)
        if not isinstance(value, int) or isinstance(value, bool):
            with pytest.raises(InvalidInput):
                store.mark_published([value])

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(text=st.sampled_from(OPERATOR_TEXT) | st.text(min_size=1, max_size=30))
    def test_operator_looking_text_is_matched_literally(
        self, store: MongoStore, text: str
    ) -> None:
        assume(name_key(text) != "roe" and text.strip())
        customers = service(store)
        if not customers.list().customers:
            customers.register(customer_body())

        found = customers.list(
            CustomerFilters(email=text, phone=text, last_name=text)
        ).customers
        by_name = customers.list(CustomerFilters(last_name=text)).customers

        assert found == [] and by_name == []

    def test_dollar_text_is_stored_and_found_as_plain_text(
        self, store: MongoStore
    ) -> None:
        customers = service(store)
        customers.register(customer_body(lastName="Roe"))
        wanted = customers.register(customer_body(lastName="$where")).customer_id

        found = customers.list(CustomerFilters(last_name="$where")).customers

        assert [c.id for c in found] == [wanted]
        document = store.db.customers.find_one({"_id": wanted})
        assert document is not None
        assert document["keys"]["lastName"] == "$where"


class TestDocuments:
    @pytest.mark.parametrize(
        "body",
        [
            customer_body(firstName={"$ne": None}),
            customer_body(lastName={"$gt": ""}),
            customer_body(email={"$regex": ".*"}),
            {**customer_body(), "$where": "return true"},
            {**customer_body(), "profile.lastName": "x"},
            customer_body(
                accounts=[
                    {"accountId": {"$ne": None}, "type": "current", "currency": "EUR"}
                ]
            ),
            customer_body(postalAddress={"city": "Paris", "$set": {"version": 9}}),
        ],
        ids=["firstName", "lastName", "email", "$where", "dotted", "account", "nested"],
    )
    def test_a_body_carrying_operators_is_refused_and_stores_nothing(
        self, store: MongoStore, body: dict[str, Any]
    ) -> None:
        with pytest.raises(InvalidCustomer):
            service(store).register(body)

        assert store.db.customers.count_documents({}) == 0
        assert store.db.outbox.count_documents({}) == 0

    @pytest.mark.parametrize(
        "document",
        [
            {"$set": 1},
            {"a": {"$ne": None}},
            {"a.b": 1},
            {"a": [{"$gt": 0}]},
            {"nul\x00": 1},
        ],
        ids=repr,
    )
    def test_a_json_document_with_operator_keys_is_refused(
        self, store: MongoStore, document: dict[str, Any]
    ) -> None:
        with store.unit_of_work() as uow:
            kyc = MongoDocumentRepository(uow, "kyc")
            with pytest.raises(InvalidInput, match="storage cannot accept"):
                kyc.add("c-1", document)

    def test_plain_keys_names_where_the_bad_key_sits(self) -> None:
        with pytest.raises(InvalidInput) as raised:
            plain_keys({"checks": [{"ok": 1}, {"$where": "x"}]}, "document")

        assert raised.value.errors[0].field == "document.checks[1]"
