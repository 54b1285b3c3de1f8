"""`cims batch run` and `cims batch history` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner

from cims.entrypoints.cli import main
from tests.support.jobs import CRM_MAPPING, crm_row, write_csv


def test_batch_run_sync_imports_and_prints_the_run(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.yaml"
    feeds.write_text(yaml.safe_dump({"sources": [CRM_MAPPING]}))
    write_csv(tmp_path / "inbox" / "crm-1.csv", [crm_row(1), crm_row(2, email="x")])
    env = {
        "CIMS_STORAGE": "memory",
        "CIMS_DATA_DIR": str(tmp_path / "data"),
        "CIMS_INBOX_DIR": str(tmp_path / "inbox"),
        "CIMS_FEEDS_FILE": str(feeds),
    }

    result = CliRunner().invoke(main, ["batch", "run", "sync"], env=env)

    assert result.exit_code == 0, result.output
    assert "succeeded" in result.output
    assert "created=1 read=2 rejected=1" in result.output
    assert (tmp_path / "inbox" / "rejects" / "crm-1.csv.rejects.jsonl").exists()


def test_batch_run_names_the_jobs_it_knows(tmp_path: Path) -> None:
    env = {"CIMS_DATA_DIR": str(tmp_path)}

    result = CliRunner().invoke(main, ["batch", "run", "backup"], env=env)

    assert result.exit_code == 1
    assert "no job named 'backup'; known jobs: sync, cleanse, dedup" in result.output


def test_batch_run_sync_without_a_feed_configuration_says_what_to_set(
    tmp_path: Path,
) -> None:
    env = {"CIMS_DATA_DIR": str(tmp_path), "CIMS_FEEDS_FILE": ""}

    result = CliRunner().invoke(main, ["batch", "run", "sync"], env=env)

    assert result.exit_code == 1
    assert "set CIMS_FEEDS_FILE or pass --feeds" in result.output


def test_batch_history_prints_json_lines(tmp_path: Path) -> None:
    env = {"CIMS_STORAGE": "memory", "CIMS_DATA_DIR": str(tmp_path)}

    result = CliRunner().invoke(main, ["batch", "history", "--json"], env=env)

    assert result.exit_code == 0
    assert [json.loads(line) for line in result.output.splitlines()] == []
