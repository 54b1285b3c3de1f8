"""The KYC case as a plain JSON-able document, for storage adapters.

An adapter stores `(customer_id, version, kyc_case_document(case))` and gives
back `read_kyc_case(document)`; nothing else about a case needs a column.
The stored document holds document numbers in full (the bank must keep
them); it is never what the API returns (see `view.py`).

`schema` is the document's format version, so a later format can read this one.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cims.domain.kyc.case import (
    AuditEntry,
    Check,
    CheckKind,
    CheckOutcome,
    Clearance,
    HitStatus,
    KycCase,
    RecordedHit,
    ScreeningRecord,
)
from cims.domain.kyc.evidence import (
    DocumentType,
    IdentityDocument,
    PepDeclaration,
    ProofOfAddress,
)
from cims.domain.kyc.policy import RiskRating
from cims.domain.kyc.risk import RiskAssessment
from cims.domain.values import KycStatus

SCHEMA = 1
Document = dict[str, Any]


def kyc_case_document(case: KycCase) -> Document:
    proof = case.proof_of_address
    pep = case.pep_declaration
    screening = case.screening
    return {
        "schema": SCHEMA,
        "customerId": case.customer_id,
        "status": case.status.value,
        "version": case.version,
        "openedAt": case.opened_at.isoformat(),
        "updatedAt": case.updated_at.isoformat(),
        "documents": [
            {
                "type": d.type.value,
                "number": d.number,
                "issuingCountry": d.issuing_country,
                "expiresOn": _day(d.expires_on),
            }
            for d in case.documents
        ],
        "proofOfAddress": None
        if proof is None
        else {"kind": proof.kind, "issuedOn": _day(proof.issued_on)},
        "pepDeclaration": None
        if pep is None
        else {"isPep": pep.is_pep, "details": pep.details},
        "checks": [
            {
                "kind": c.kind.value,
                "outcome": c.outcome.value,
                "performedAt": c.performed_at.isoformat(),
                "actor": c.actor,
                "detail": c.detail,
            }
            for c in case.checks
        ],
        "hits": [_hit(hit) for hit in case.hits],
        "clearances": [_clearance(c) for c in case.clearances],
        "screening": None
        if screening is None
        else {
            "screenedAt": screening.screened_at.isoformat(),
            "listVersion": screening.list_version,
            "threshold": screening.threshold,
            "subjectFingerprint": screening.subject_fingerprint,
            "error": screening.error,
        },
        "risk": None
        if case.risk is None
        else {"rating": case.risk.rating.value, "reasons": list(case.risk.reasons)},
        "nextReviewOn": _day(case.next_review_on),
        "history": [
            {
                "from": e.from_status.value,
                "to": e.to_status.value,
                "actor": e.actor,
                "at": e.at.isoformat(),
                "reason": e.reason,
                "eventId": e.event_id,
            }
            for e in case.history
        ],
    }


def read_kyc_case(document: Document) -> KycCase:
    """The case `kyc_case_document` wrote; raises KeyError/ValueError if corrupt."""
    proof = document["proofOfAddress"]
    pep = document["pepDeclaration"]
    screening = document["screening"]
    risk = document["risk"]
    return KycCase(
        customer_id=document["customerId"],
        status=KycStatus(document["status"]),
        version=int(document["version"]),
        opened_at=_moment(document["openedAt"]),
        updated_at=_moment(document["updatedAt"]),
        documents=tuple(
            IdentityDocument(
                DocumentType(d["type"]),
                d["number"],
                d["issuingCountry"],
                _read_day(d["expiresOn"]),
            )
            for d in document["documents"]
        ),
        proof_of_address=None
        if proof is None
        else ProofOfAddress(proof["kind"], _read_day(proof["issuedOn"])),
        pep_declaration=None
        if pep is None
        else PepDeclaration(bool(pep["isPep"]), pep["details"]),
        checks=tuple(
            Check(
                CheckKind(c["kind"]),
                CheckOutcome(c["outcome"]),
                _moment(c["performedAt"]),
                c["actor"],
                c["detail"],
            )
            for c in document["checks"]
        ),
        hits=tuple(_read_hit(h) for h in document["hits"]),
        clearances=tuple(_read_clearance(c) for c in document["clearances"]),
        screening=None
        if screening is None
        else ScreeningRecord(
            _moment(screening["screenedAt"]),
            screening["listVersion"],
            float(screening["threshold"]),
            screening["subjectFingerprint"],
            screening["error"],
        ),
        risk=None
        if risk is None
        else RiskAssessment(RiskRating(risk["rating"]), tuple(risk["reasons"])),
        next_review_on=_read_day(document["nextReviewOn"]),
        history=tuple(
            AuditEntry(
                KycStatus(e["from"]),
                KycStatus(e["to"]),
                e["actor"],
                _moment(e["at"]),
                e["reason"],
                e["eventId"],
            )
            for e in document["history"]
        ),
    )


def _hit(hit: RecordedHit) -> Document:
    return {
        "id": hit.hit_id,
        "listName": hit.list_name,
        "entryUid": hit.entry_uid,
        "matchedName": hit.matched_name,
        "matchedOn": hit.matched_on,
        "score": hit.score,
        "explanation": list(hit.explanation),
        "entryFingerprint": hit.entry_fingerprint,
        "subjectFingerprint": hit.subject_fingerprint,
        "screenedAt": hit.screened_at.isoformat(),
        "status": hit.status.value,
        "clearance": None if hit.clearance is None else _clearance(hit.clearance),
    }


def _read_hit(raw: Document) -> RecordedHit:
    clearance = raw["clearance"]
    return RecordedHit(
        hit_id=raw["id"],
        list_name=raw["listName"],
        entry_uid=raw["entryUid"],
        matched_name=raw["matchedName"],
        matched_on=raw["matchedOn"],
        score=float(raw["score"]),
        explanation=tuple(raw["explanation"]),
        entry_fingerprint=raw["entryFingerprint"],
        subject_fingerprint=raw["subjectFingerprint"],
        screened_at=_moment(raw["screenedAt"]),
        status=HitStatus(raw["status"]),
        clearance=None if clearance is None else _read_clearance(clearance),
    )


def _clearance(clearance: Clearance) -> Document:
    return {
        "listName": clearance.list_name,
        "entryUid": clearance.entry_uid,
        "entryFingerprint": clearance.entry_fingerprint,
        "subjectFingerprint": clearance.subject_fingerprint,
        "actor": clearance.actor,
        "clearedAt": clearance.cleared_at.isoformat(),
        "reason": clearance.reason,
    }


def _read_clearance(raw: Document) -> Clearance:
    return Clearance(
        raw["listName"],
        raw["entryUid"],
        raw["entryFingerprint"],
        raw["subjectFingerprint"],
        raw["actor"],
        _moment(raw["clearedAt"]),
        raw["reason"],
    )


def _day(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _read_day(raw: str | None) -> dt.date | None:
    return None if raw is None else dt.date.fromisoformat(raw)


def _moment(raw: str) -> dt.datetime:
    return dt.datetime.fromisoformat(raw)
