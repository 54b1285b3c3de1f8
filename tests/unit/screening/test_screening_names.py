"""Name normalisation: folding, romanisation variants, particles, keys."""

import pytest

from cims.domain.screening.names import (
    display_order,
    fold_text,
    listed_name_form,
    name_form,
    phonetic_key,
    split_listed_name,
)


def test_folding_strips_diacritics_and_case():
    assert fold_text("José PEÑA Vargas") == "jose pena vargas"


def test_folding_uses_full_case_folding_so_sharp_s_equals_ss():
    assert fold_text("WEIß") == fold_text("Weiss") == "weiss"


def test_folding_maps_letters_that_unicode_does_not_decompose():
    assert fold_text("Søren Østergård Łukasz") == "soren ostergard lukasz"


def test_hyphens_and_punctuation_become_spaces_and_apostrophes_vanish():
    assert fold_text("Hans-Peter Mas'ud, Jr.") == "hans peter masud jr"


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Mohammed", "Muhammad"),
        ("Mohamed", "Muhammad"),
        ("Abdel Aziz", "Abdul Aziz"),
        ("Youssef", "Yusuf"),
        ("Sergei", "Sergey"),
        ("Aleksandr", "Alexander"),
        ("Hussein", "Husayn"),
    ],
)
def test_romanisation_variants_fold_to_one_canonical_spelling(one, other):
    assert name_form(one).tokens == name_form(other).tokens


def test_particles_are_set_aside_but_kept_for_explanations():
    form = name_form("Yusuf al-Hakimi bin Salim")

    assert form.tokens == ("yusuf", "hakimi", "salim")
    assert form.particles == ("al", "bin")


def test_a_name_made_only_of_particles_keeps_its_words():
    assert name_form("Al").tokens == ("al",)


def test_run_together_abdul_forms_are_split_but_abdullah_is_not():
    assert name_form("Abdulrahman").tokens == ("abd", "rahman")
    assert name_form("Abdullah").tokens == ("abdullah",)


def test_the_as_spelled_form_of_each_token_is_kept_beside_the_canonical_one():
    assert name_form("Mohamed Ali").units == (("muhammad", "mohamed"), ("ali", "ali"))


def test_surname_comma_form_splits_into_given_names_and_surname():
    assert split_listed_name("PEÑA VARGAS, José Luis") == ("José Luis", "PEÑA VARGAS")
    assert split_listed_name("DELOS REYES, Feliciano, Jr.") == (
        "Feliciano  Jr.",
        "DELOS REYES",
    )


def test_display_order_puts_given_names_first():
    assert display_order("SOKOLOV, Aleksandr") == "Aleksandr SOKOLOV"
    assert display_order("ABU SALEH") == "ABU SALEH"


def test_a_listed_comma_name_knows_its_surname():
    assert listed_name_form("PEÑA VARGAS, José Luis").surname == ("pena", "vargas")
    assert listed_name_form("ABU SALEH").surname == ()


def test_phonetic_key_joins_spellings_that_sound_alike():
    assert phonetic_key("malkevich") == phonetic_key("malkevitch")
    assert phonetic_key("aleksandr") == phonetic_key("alexandr")
    assert phonetic_key("smith") != phonetic_key("jones")
