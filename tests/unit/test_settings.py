"""Settings refuse values that would only fail later, naming the variable."""

from __future__ import annotations

import pytest

from cims.entrypoints.settings import load_settings


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("CIMS_STORAGE", "bogus", "CIMS_STORAGE='bogus' is not one of"),
        ("CIMS_EVENTS", "rabbit", "CIMS_EVENTS='rabbit' is not one of"),
        ("CIMS_DATABASE_URL", "nonsense", "CIMS_DATABASE_URL is not a database URL"),
        ("CIMS_JWT_SECRET", "short", "at least 32 characters"),
        ("CIMS_MIGRATE_ON_START", "maybe", "must be true or false"),
        ("CIMS_MAX_BODY_BYTES", "lots", "must be a number"),
        ("CIMS_CONFIG", "/no/such/file.yaml", "cannot be read"),
    ],
)
def test_a_bad_setting_is_refused_with_its_name(variable, value, message):
    with pytest.raises(SystemExit, match=message):
        load_settings({variable: value})


def test_a_config_file_that_is_not_yaml_is_refused(tmp_path):
    config = tmp_path / "cims.yaml"
    config.write_text("storage: [unclosed")

    with pytest.raises(SystemExit, match="is not valid YAML"):
        load_settings({"CIMS_CONFIG": str(config)})


def test_environment_overrides_the_config_file(tmp_path):
    config = tmp_path / "cims.yaml"
    config.write_text("storage: memory\ndefault_region: GB\n")

    settings = load_settings({"CIMS_CONFIG": str(config), "CIMS_STORAGE": "sql"})

    assert (settings.storage, settings.default_region) == ("sql", "GB")
