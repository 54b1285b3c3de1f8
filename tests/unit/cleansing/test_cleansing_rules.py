"""Cleansing rules: examples of what each rule does to real-looking input."""

import datetime as dt

import pytest

from cims.domain.cleansing import (
    CleansingContext,
    CleansingTally,
    RulesVersion,
    address_key,
    cleanse_address_line,
    cleanse_birth_date,
    cleanse_country,
    cleanse_email,
    cleanse_fields,
    cleanse_name,
    cleanse_phone,
    cleanse_postcode,
    name_key,
)

TODAY = dt.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("O'BRIEN", "O'Brien"),
        ("mcdonald", "McDonald"),
        ("MACDONALD", "MacDonald"),
        ("macy", "Macy"),
        ("MACK", "Mack"),
        ("jan van der berg", "Jan van der Berg"),
        ("maria de la cruz", "Maria de la Cruz"),
        ("SMITH-JONES", "Smith-Jones"),
        ("madonna", "Madonna"),
        ("  ann   lee ", "Ann Lee"),
    ],
)
def test_names_typed_in_one_case_get_their_usual_casing(typed, expected):
    assert cleanse_name(typed).value == expected


def test_names_typed_in_mixed_case_are_kept_as_the_person_wrote_them():
    assert cleanse_name("DeShawn McKEE").value == "DeShawn McKEE"
    assert cleanse_name("DeShawn McKEE").changes == ()


def test_a_name_is_never_rejected_for_its_characters():
    outcome = cleanse_name("李小龍 X Æ A-12")

    assert outcome.value == "李小龍 X Æ A-12"
    assert outcome.is_clean


def test_name_key_folds_case_fully_and_drops_diacritics():
    assert name_key("STRASSE") == name_key("Straße")
    assert name_key("Zoë") == name_key("ZOE")
    assert name_key("O'Brien") == name_key("o brien")


def test_email_domain_is_lower_cased_but_the_mailbox_is_kept():
    outcome = cleanse_email(" John.Doe+bank@GMail.COM ")

    assert outcome.value == "John.Doe+bank@gmail.com"
    assert outcome.detail("key") == "johndoe@gmail.com"


def test_email_key_keeps_dots_for_providers_that_do_not_ignore_them():
    assert cleanse_email("john.doe+x@example.org").detail("key") == (
        "john.doe+x@example.org"
    )


def test_an_invalid_email_is_flagged_and_kept_as_entered():
    outcome = cleanse_email("john@@example")

    assert outcome.value == "john@@example"
    assert outcome.flags == ("invalid_email",)


def test_internationalised_domains_are_accepted():
    assert cleanse_email("anna@bücher.de").is_clean


def test_phone_numbers_become_e164_in_the_customers_country():
    assert cleanse_phone("020 7946 0018", "GB").value == "+442079460018"
    assert cleanse_phone("(212) 555-0100", "US").value == "+12125550100"


def test_phone_without_country_uses_the_configured_default_region():
    assert cleanse_phone("030 901820", None, default_region="DE").value == (
        "+4930901820"
    )


def test_phone_extension_is_kept_apart_from_the_number():
    outcome = cleanse_phone("+44 20 7946 0018 ext. 42")

    assert outcome.value == "+442079460018"
    assert outcome.detail("extension") == "42"


def test_an_impossible_phone_number_is_flagged_not_dropped():
    outcome = cleanse_phone("12", "GB")

    assert outcome.value == "12"
    assert outcome.flags == ("impossible_phone",)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("UK", "GB"),
        ("gbr", "GB"),
        ("Germany", "DE"),
        ("826", "GB"),
        ("Kosovo", "XK"),
        ("XK", "XK"),
        ("Côte d'Ivoire", "CI"),
    ],
)
def test_countries_become_alpha_2_codes(typed, code):
    assert cleanse_country(typed).value == code


def test_an_unknown_country_is_flagged_and_kept():
    outcome = cleanse_country("Narnia")

    assert (outcome.value, outcome.flags) == ("Narnia", ("unknown_country",))


@pytest.mark.parametrize(
    "typed",
    ["1960-03-12", "12/03/1960", "19600312", "12 Mar 1960", "March 12, 1960"],
)
def test_common_date_formats_are_read(typed):
    assert cleanse_birth_date(typed, TODAY).value == dt.date(1960, 3, 12)


def test_an_ambiguous_day_and_month_is_flagged():
    assert "ambiguous_day_month" in cleanse_birth_date("05/03/1960", TODAY).flags
    assert cleanse_birth_date("25/03/1960", TODAY).flags == ()


def test_a_timestamp_keeps_its_calendar_date_whatever_the_time_zone():
    outcome = cleanse_birth_date("1960-03-12T23:30:00-05:00", TODAY)

    assert outcome.value == dt.date(1960, 3, 12)


def test_a_future_birth_date_is_flagged():
    assert "future_date" in cleanse_birth_date("2030-01-01", TODAY).flags


def test_text_that_is_no_date_is_kept_and_flagged():
    outcome = cleanse_birth_date("unknown", TODAY)

    assert (outcome.value, outcome.flags) == ("unknown", ("unparseable_date",))


def test_postcodes_get_national_spacing():
    assert cleanse_postcode("sw1a1aa", "GB").value == "SW1A 1AA"
    assert cleanse_postcode("1234ab", "NL").value == "1234 AB"


def test_address_keys_use_short_forms_of_street_words():
    assert address_key("12 High Street") == address_key("12 HIGH ST.")
    assert cleanse_address_line("12 HIGH STREET").value == "12 High Street"


def test_outcomes_keep_the_original_and_the_rules_version():
    version = RulesVersion.with_libraries({"phonenumbers": "9.0"})
    context = CleansingContext(today=TODAY, version=version)

    outcomes = cleanse_fields({"surname": "SMITH", "country": "uk"}, context)

    assert outcomes["surname"].original == "SMITH"
    assert outcomes["surname"].rules_version == "2026.12.1 (phonenumbers 9.0)"


def test_phones_are_read_in_the_records_country():
    context = CleansingContext(today=TODAY)

    outcomes = cleanse_fields({"phone": "(212) 555-0100", "country": "USA"}, context)

    assert outcomes["phone"].value == "+12125550100"


def test_the_report_counts_changes_and_flags_per_field():
    tally = CleansingTally()
    context = CleansingContext(today=TODAY)
    for record in ({"surname": "SMITH"}, {"surname": "JONES", "email": "x@"}):
        tally.add_record(cleanse_fields(record, context).values())

    report = tally.report()

    assert report.records == 2
    assert report.change_count("surname", "recased") == 2
    assert report.flag_count("email", "invalid_email") == 1
