"""Reading and writing customer documents: validation and round trips."""

from __future__ import annotations

import datetime as dt
import unicodedata

import pytest
from hypothesis import given

from cims.domain.customer_document import (
    ValidationPolicy,
    profile_document,
    read_profile,
)
from cims.domain.errors import InvalidCustomer
from cims.domain.values import KycStatus
from cims.testing.strategies import customer_documents, invalid_customer_documents
from tests.support.customers import customer_body

TODAY = dt.date(2026, 1, 15)
POLICY = ValidationPolicy()


def read(document):
    return read_profile(document, POLICY, TODAY)


def field_errors(document) -> dict[str, str]:
    with pytest.raises(InvalidCustomer) as caught:
        read(document)
    return {error.field: error.message for error in caught.value.errors}


class TestPhones:
    def test_an_unresolvable_local_number_is_kept_as_entered_and_unverified(self):
        profile = read(customer_body(phone="1234567890")).profile

        assert profile.phone.entered == "1234567890"
        assert profile.phone.e164 is None
        assert not profile.phone.verified

    def test_a_valid_number_is_normalised_to_e164(self):
        profile = read(customer_body(phone="(415) 555-2671")).profile

        assert profile.phone.e164 == "+14155552671"

    def test_the_nationality_sets_the_region_of_a_local_number(self):
        profile = read(customer_body(phone="020 7946 0958", nationality="GB")).profile

        assert profile.phone.e164 == "+442079460958"

    def test_an_extension_is_kept_apart_from_the_number(self):
        profile = read(customer_body(phone="+1 415 555 2671 ext. 42")).profile

        assert profile.phone.e164 == "+14155552671"
        assert profile.phone.extension == "42"

    @pytest.mark.parametrize("phone", ["call me", "12345", "1234567890123456"])
    def test_what_cannot_be_a_phone_number_is_refused(self, phone):
        assert "phone" in field_errors(customer_body(phone=phone))


class TestValidation:
    def test_every_failing_field_is_reported_at_once(self):
        errors = field_errors(
            customer_body(firstName="", email="nope", dateOfBirth="2030-01-01")
        )

        assert set(errors) == {"firstName", "email", "dateOfBirth"}
        assert "future" in errors["dateOfBirth"]

    def test_an_unknown_field_is_refused_by_name(self):
        assert field_errors(customer_body(lastname="typo")) == {
            "lastname": "is not a customer field"
        }

    def test_an_operator_object_is_never_accepted_as_a_value(self):
        errors = field_errors(customer_body(email={"$ne": None}))

        assert "must be a string" in errors["email"]

    def test_kyc_status_is_read_in_any_case_and_written_canonically(self):
        assert read(customer_body(kycStatus="in_review")).kyc_status is (
            KycStatus.IN_REVIEW
        )
        assert (
            "one of" in field_errors(customer_body(kycStatus="Approved"))["kycStatus"]
        )

    def test_account_errors_name_the_account_and_the_field(self):
        accounts = [{"accountId": "A1", "type": "current", "currency": "XXY"}]

        errors = field_errors(customer_body(accounts=accounts))

        assert "ISO 4217" in errors["accounts[0].currency"]

    def test_a_structured_address_fills_the_one_line_address(self):
        postal = {"lines": ["9 Elm Rd"], "city": "Leeds", "country": "gb"}
        body = customer_body(postalAddress=postal)
        del body["address"]

        profile = read(body).profile

        assert profile.address == "9 Elm Rd, Leeds, GB"

    def test_kosovo_is_a_country_though_iso_has_not_assigned_it(self):
        assert read(customer_body(nationality="xk")).profile.nationality == "XK"

    @given(invalid_customer_documents())
    def test_a_single_bad_field_is_reported_under_its_own_name(self, case):
        document, field = case

        assert field in field_errors(document)


class TestRoundTrip:
    @given(customer_documents())
    def test_a_profile_reads_back_from_its_own_document_unchanged(self, document):
        profile = read(document).profile

        assert read(profile_document(profile)).profile == profile

    @given(customer_documents())
    def test_names_keep_every_character_the_customer_gave(self, document):
        profile = read(document).profile

        # NFC only recombines characters (and maps compatibility ideographs to
        # their canonical twins); nothing is dropped or replaced.
        given = unicodedata.normalize("NFC", document["firstName"])
        assert profile.first_name == " ".join(given.split())
