"""Reading feed configurations and mapping source rows onto customer documents."""

from __future__ import annotations

import pytest

from cims.domain.errors import InvalidInput
from cims.domain.source_feeds import parse_sources
from tests.support.jobs import CRM_MAPPING, crm_row


def crm():  # type: ignore[no-untyped-def]
    return parse_sources({"sources": [CRM_MAPPING]})[0]


def test_a_row_maps_onto_nested_document_fields() -> None:
    mapped = crm().map_row(crm_row(7))

    assert mapped.source_key == "C00007"
    assert mapped.errors == ()
    assert mapped.document["postalAddress"] == {
        "lines": ["7 High St"],
        "city": "London",
        "country": "GB",
    }
    assert mapped.document["dateOfBirth"] == "1980-04-03"


def test_blank_columns_clear_fields_in_the_patch_and_vanish_on_registration() -> None:
    mapped = crm().map_row(crm_row(1, email=" ", street="", town="", country=""))

    assert mapped.patch()["email"] is None
    assert mapped.patch()["postalAddress"] is None
    assert "email" not in mapped.registration()
    assert "postalAddress" not in mapped.registration()


def test_a_date_in_the_wrong_format_is_reported_against_its_field() -> None:
    mapped = crm().map_row(crm_row(1, birth="1980-04-03"))

    assert [(e.field, e.message) for e in mapped.errors] == [
        ("dateOfBirth", "must be a date as %d/%m/%Y; got '1980-04-03'")
    ]


def test_a_row_without_its_source_key_is_reported() -> None:
    mapped = crm().map_row(crm_row(1, customer_no=""))

    assert [e.field for e in mapped.errors] == ["customer_no"]


def test_the_same_values_hash_the_same_and_different_values_do_not() -> None:
    source = crm()

    assert (
        source.map_row(crm_row(1)).record_hash
        == source.map_row(dict(reversed(crm_row(1).items()))).record_hash
    )
    assert (
        source.map_row(crm_row(1)).record_hash
        != source.map_row(crm_row(1, town="Leeds")).record_hash
    )


def test_json_sources_reach_into_nested_objects_with_dotted_columns() -> None:
    (source,) = parse_sources(
        {
            "sources": [
                {
                    "name": "core",
                    "files": "*.jsonl",
                    "format": "jsonl",
                    "key": "id",
                    "columns": {"name.given": "firstName", "name.family": "lastName"},
                }
            ]
        }
    )

    mapped = source.map_row({"id": 42, "name": {"given": "Ann", "family": "Lee"}})

    assert mapped.source_key == "42"
    assert mapped.document == {"firstName": "Ann", "lastName": "Lee"}


@pytest.mark.parametrize(
    ("entry", "field"),
    [
        ({**CRM_MAPPING, "format": "xml"}, "sources[0].format"),
        ({**CRM_MAPPING, "key": ""}, "sources[0].key"),
        ({**CRM_MAPPING, "columns": {}}, "sources[0].columns"),
        ({**CRM_MAPPING, "columns": {"a": "postal address"}}, "sources[0].columns.a"),
        ({**CRM_MAPPING, "colums": {}}, "sources[0]"),
    ],
)
def test_a_bad_configuration_names_what_is_wrong(entry: dict, field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_sources({"sources": [entry]})

    assert field in [error.field for error in caught.value.errors]


def test_two_sources_may_not_share_a_name() -> None:
    with pytest.raises(InvalidInput, match="invalid"):
        parse_sources({"sources": [CRM_MAPPING, CRM_MAPPING]})
