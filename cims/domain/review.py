"""The duplicate review queue: possible matches waiting for a person's decision.

A review is about one pair of customer ids. It keeps the score and per-field
evidence, and a fingerprint of both records as scored: a rejected pair is not
suggested again unless that fingerprint changes (either record's data did).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal

import attrs

from cims.domain.errors import CimsError
from cims.domain.matching import PairDecision, PersonRecord

Status = Literal["open", "merged", "rejected"]
Document = dict[str, Any]


class ReviewNotFound(CimsError, LookupError):
    def __init__(self, pair_id: str) -> None:
        super().__init__(f"no duplicate review {pair_id!r}")
        self.pair_id = pair_id


class ReviewClosed(CimsError, ValueError):
    def __init__(self, pair_id: str, status: str) -> None:
        super().__init__(f"duplicate review {pair_id!r} is already {status}")
        self.pair_id = pair_id
        self.status = status


def pair_id(a: str, b: str) -> str:
    first, second = sorted((a, b))
    return f"{first}~{second}"


def pair_fingerprint(a: PersonRecord, b: PersonRecord) -> str:
    """Hash of both records' compared data, independent of their order."""
    parts = sorted(_record_text(r) for r in (a, b))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _record_text(record: PersonRecord) -> str:
    values = attrs.asdict(record)
    values["date_of_birth"] = (
        record.date_of_birth.isoformat() if record.date_of_birth else None
    )
    return json.dumps(values, sort_keys=True, default=str)


@attrs.frozen
class DuplicateReview:
    pair_id: str
    customer_ids: tuple[str, str]
    probability: float
    explanation: Document  # the evidence as JSON (see `evidence_document`)
    fingerprint: str
    created_at: dt.datetime
    status: Status = "open"
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    reason: str | None = None
    version: int = 1

    def decided(
        self, status: Status, actor: str, reason: str, now: dt.datetime
    ) -> DuplicateReview:
        if self.status != "open":
            raise ReviewClosed(self.pair_id, self.status)
        return attrs.evolve(
            self,
            status=status,
            decided_by=actor,
            decided_at=now,
            reason=reason,
            version=self.version + 1,
        )


def open_review(
    decision: PairDecision, fingerprint: str, now: dt.datetime
) -> DuplicateReview:
    ids = tuple(sorted((decision.record_a, decision.record_b)))
    return DuplicateReview(
        pair_id=pair_id(*ids),
        customer_ids=(ids[0], ids[1]),
        probability=decision.evidence.probability,
        explanation=evidence_document(decision),
        fingerprint=fingerprint,
        created_at=now,
    )


def evidence_document(decision: PairDecision) -> Document:
    evidence = decision.evidence
    return {
        "decision": decision.decision,
        "probability": evidence.probability,
        "log2Odds": evidence.log2_odds,
        "reason": evidence.reason,
        "rulesVersion": evidence.rules_version,
        "fields": [
            {"field": f.field, "level": f.level, "weight": round(f.weight, 4)}
            for f in evidence.fields
        ],
    }


def review_document(review: DuplicateReview) -> Document:
    return {
        "pairId": review.pair_id,
        "customerIds": list(review.customer_ids),
        "probability": review.probability,
        "explanation": review.explanation,
        "fingerprint": review.fingerprint,
        "createdAt": _iso(review.created_at),
        "status": review.status,
        "decidedBy": review.decided_by,
        "decidedAt": _iso(review.decided_at) if review.decided_at else None,
        "reason": review.reason,
        "version": review.version,
    }


def read_review(document: Document) -> DuplicateReview:
    decided_at = document.get("decidedAt")
    ids = document["customerIds"]
    return DuplicateReview(
        pair_id=str(document["pairId"]),
        customer_ids=(str(ids[0]), str(ids[1])),
        probability=float(document["probability"]),
        explanation=dict(document["explanation"]),
        fingerprint=str(document["fingerprint"]),
        created_at=dt.datetime.fromisoformat(document["createdAt"]),
        status=document["status"],
        decided_by=document.get("decidedBy"),
        decided_at=dt.datetime.fromisoformat(decided_at) if decided_at else None,
        reason=document.get("reason"),
        version=int(document["version"]),
    )


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
