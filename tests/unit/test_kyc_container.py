"""The container's sanctions list: lazy, found by default, empty with a warning."""

from __future__ import annotations

import logging

import pytest

from cims.entrypoints import container as composition
from cims.entrypoints.container import build_container, make_kyc_policy, sanctions_list
from cims.entrypoints.settings import load_settings


def test_building_the_services_does_not_load_the_list(tmp_path):
    settings = load_settings(
        {}, sanctions_dir=str(tmp_path / "missing"), data_dir=str(tmp_path)
    )

    built = build_container(settings)
    built.customers(), built.kyc()

    assert built.screener()._index is None


def test_without_a_list_screening_runs_empty_and_says_so(monkeypatch, tmp_path, caplog):
    monkeypatch.setattr(composition, "DEFAULT_SANCTIONS_DIR", tmp_path / "none")

    with caplog.at_level(logging.WARNING):
        found = sanctions_list("")

    assert list(found.entries()) == []
    assert "WITHOUT a list" in caplog.text


def test_the_shared_ofac_list_is_the_default_when_present():
    if not composition.DEFAULT_SANCTIONS_DIR.is_dir():
        pytest.skip(f"no OFAC data at {composition.DEFAULT_SANCTIONS_DIR}")

    assert sanctions_list("").list_name == "OFAC-SDN"


def test_the_high_risk_countries_setting_takes_codes_or_names():
    policy = make_kyc_policy(False, True, "KP, Iran", 6, 12, 36)

    assert policy.high_risk_countries == {"KP", "IR"}
    assert policy.require_proof_of_address
