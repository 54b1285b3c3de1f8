"""Dedup findings as JSON files in the data directory, one per run."""

from __future__ import annotations

import json
from pathlib import Path

from cims.domain.matching import DedupResult, PairDecision


class FolderDuplicateReports:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def save(self, run_id: str, result: DedupResult) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"dedup-{run_id}.json"
        document = {
            "runId": run_id,
            "records": result.stats.records,
            "candidatePairs": result.stats.candidate_pairs,
            "groups": [
                {
                    "customerIds": list(group.record_ids),
                    "pairs": [_pair(pair) for pair in group.pairs],
                }
                for group in result.groups
            ],
            "possibleMatches": [_pair(pair) for pair in result.possible_matches],
        }
        path.write_text(json.dumps(document, indent=1, default=str))
        return str(path)


def _pair(pair: PairDecision) -> dict[str, object]:
    return {
        "customerIds": [pair.record_a, pair.record_b],
        "decision": pair.decision,
        "probability": round(pair.evidence.probability, 4),
        "why": pair.evidence.explain(),
    }
