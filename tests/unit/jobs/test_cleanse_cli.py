"""`cims batch run cleanse` on the embedded SQL store, after a sync."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from cims.entrypoints.cli import main
from cims.entrypoints.jobs import available_jobs, cleansing_rules_version
from tests.support.jobs import CRM_MAPPING, crm_row, write_csv

FIXTURE_LIST = Path(__file__).parents[2] / "fixtures" / "ofac"


def test_the_scheduler_and_the_cli_know_the_cleanse_job() -> None:
    assert "cleanse" in available_jobs()


def test_the_rules_version_names_the_reference_libraries() -> None:
    label = cleansing_rules_version().label()

    assert "phonenumbers" in label
    assert "pycountry" in label
    assert "unicode" in label


def test_batch_run_cleanse_tidies_what_a_sync_imported(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(yaml.safe_dump({"sources": [CRM_MAPPING]}))
    write_csv(
        tmp_path / "inbox" / "crm-1.csv",
        [crm_row(1, first_name="JANE", town="LONDON"), crm_row(2)],
    )
    env = {
        "CIMS_STORAGE": "sql",
        "CIMS_DATA_DIR": str(tmp_path / "data"),
        "CIMS_INBOX_DIR": str(tmp_path / "inbox"),
        "CIMS_FEEDS_FILE": str(feeds),
        "CIMS_SANCTIONS_DIR": str(FIXTURE_LIST),
    }
    runner = CliRunner()
    synced = runner.invoke(main, ["batch", "run", "sync"], env=env)
    assert synced.exit_code == 0, synced.output

    first = runner.invoke(main, ["batch", "run", "cleanse"], env=env)
    second = runner.invoke(main, ["batch", "run", "cleanse"], env=env)
    history = runner.invoke(
        main, ["batch", "history", "--job", "cleanse", "--json"], env=env
    )

    assert first.exit_code == 0, first.output
    assert "changed=1" in first.output
    assert "read=2" in first.output
    assert second.exit_code == 0, second.output
    assert "read=2 unchanged=2" in second.output
    runs = [json.loads(line) for line in history.output.splitlines()]
    assert [run["status"] for run in runs] == ["succeeded", "succeeded"]
    (log,) = (tmp_path / "data" / "reports").glob("cleanse-*.jsonl")
    (entry,) = [json.loads(line) for line in log.read_text().splitlines()]
    fields = {f["field"]: f for f in entry["fields"]}
    assert (fields["firstName"]["original"], fields["firstName"]["cleansed"]) == (
        "JANE",
        "Jane",
    )
    assert fields["postalAddress.city"]["cleansed"] == "London"
