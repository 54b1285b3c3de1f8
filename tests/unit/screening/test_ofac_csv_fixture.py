"""Reading the OFAC legacy CSV format, on a small hand-written fixture."""

import logging
from pathlib import Path

import pytest

from cims.adapters.sanctions.memory import InMemorySanctionsList
from cims.adapters.sanctions.ofac_csv import OfacCsvSanctionsList
from cims.domain.screening import (
    AliasType,
    BirthDate,
    EntryType,
    ScreeningIndex,
    ScreeningSubject,
)

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "ofac"


@pytest.fixture(scope="module")
def sdn():
    return OfacCsvSanctionsList(FIXTURE)


@pytest.fixture(scope="module")
def by_uid(sdn):
    return {e.uid: e for e in sdn.entries()}


def test_every_complete_line_becomes_an_entry_and_the_cut_one_is_reported(sdn):
    assert [e.uid for e in sdn.entries()][-1] == "1020"
    assert sdn.report.entries == 20
    assert any(line.startswith("sdn.csv") for line in sdn.report.cut_short)


def test_a_last_line_cut_inside_its_final_no_value_mark_is_still_read(by_uid, sdn):
    assert any("inside its last -0-" in line for line in sdn.report.cut_short)
    assert "RAHMANI, Muhammad Reza" in [a.name for a in by_uid["1012"].aliases]


def test_the_load_is_logged_with_counts_and_reasons(caplog):
    with caplog.at_level(logging.INFO, logger="cims.adapters.sanctions.ofac_csv"):
        OfacCsvSanctionsList(FIXTURE)

    text = caplog.text
    assert "Loaded 20 OFAC-SDN entries" in text
    assert "8 aliases, 2 weak aliases from remarks, 7 addresses" in text
    assert "rows for an unknown entry" in text
    assert "looks cut short" in text


def test_windows_1252_names_keep_their_diacritics(by_uid, sdn):
    assert by_uid["1003"].primary_name == "MÜLLER, Jürgen"
    assert by_uid["1004"].primary_name == "WEIß, Hans-Peter"
    assert "cp1252" in sdn.report.encoding


def test_no_value_marks_become_absent_values(by_uid):
    assert by_uid["1010"].remarks is None
    assert by_uid["1010"].birth_dates == ()


def test_entry_types_come_from_the_type_column_with_entity_as_default(by_uid):
    assert by_uid["1001"].entry_type is EntryType.INDIVIDUAL
    assert by_uid["1007"].entry_type is EntryType.ENTITY
    assert by_uid["1008"].entry_type is EntryType.VESSEL
    assert by_uid["1009"].entry_type is EntryType.AIRCRAFT


def test_dates_of_birth_are_read_from_remarks_in_all_their_forms(by_uid):
    assert by_uid["1001"].birth_dates == (BirthDate.exact(1960, 3, 12),)
    assert by_uid["1002"].birth_dates == (BirthDate(1971, 1971), BirthDate(1972, 1972))
    assert by_uid["1011"].birth_dates == (BirthDate(1980, 1982),)
    assert by_uid["1006"].birth_dates == (BirthDate(1966, 1970),)


def test_nationality_and_citizenship_come_from_remarks_countries_from_addresses(
    by_uid,
):
    assert by_uid["1018"].nationalities == ("Korea, North",)
    assert by_uid["1003"].nationalities == ("Germany",)
    assert by_uid["1007"].countries == ("United Arab Emirates",)


def test_aliases_keep_their_type_and_remark_akas_are_weak(by_uid):
    aliases = {a.name: a for a in by_uid["1019"].aliases}
    assert aliases["HADDAD-NOURI, Karim"].alias_type is AliasType.NKA
    assert aliases["NOURI, Karim"].alias_type is AliasType.FKA

    weak = [a.name for a in by_uid["1002"].aliases if a.weak]
    assert weak == ["ABU KARIM", "THE ACCOUNTANT"]


def test_programs_are_split(by_uid):
    assert by_uid["1002"].programs == ("SDGT", "IFSR")


def test_the_version_changes_with_the_content_only(tmp_path, sdn):
    for name in ("sdn.csv", "alt.csv", "add.csv"):
        (tmp_path / name).write_bytes((FIXTURE / name).read_bytes())
    copy = OfacCsvSanctionsList(tmp_path)
    assert copy.version() == sdn.version()

    with (tmp_path / "add.csv").open("ab") as add:
        add.write(b'1010,308,-0- ,"Abuja","Nigeria",-0- \n')
    copy.reload()
    assert copy.version() != sdn.version()


def test_the_fixture_list_screens_end_to_end(sdn):
    index = ScreeningIndex(sdn.entries(), list_version=sdn.version())

    assert index.screen(ScreeningSubject("Jurgen Mueller")).best.entry_uid == "1003"
    assert index.screen(ScreeningSubject("Hans Peter Weiss")).best.entry_uid == "1004"
    assert index.screen(ScreeningSubject("Soren Ostergard")).best.entry_uid == "1013"
    assert index.screen(ScreeningSubject("Maria Ines Garcia")).best.entry_uid == "1020"
    assert index.screen(ScreeningSubject("Muhammad Reza Rahmani")).hits
    assert index.screen(ScreeningSubject("Jane Ordinary")).is_clear


def test_the_memory_list_versions_by_content(by_uid):
    memory = InMemorySanctionsList([by_uid["1001"], by_uid["1002"]])
    before = memory.version()

    memory.replace([by_uid["1001"]])

    assert memory.version() != before
    assert [e.uid for e in memory.entries()] == ["1001"]
