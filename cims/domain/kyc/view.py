"""The KYC case as API clients read it: document numbers masked, state explained.

Besides the stored facts the view says what may happen next: the transitions
allowed from the current status, and whatever blocks verification today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cims.domain.kyc.case import KycCase, RecordedHit, verification_blockers
from cims.domain.kyc.codec import kyc_case_document
from cims.domain.kyc.policy import KycPolicy
from cims.domain.kyc.states import allowed_from

Document = dict[str, Any]


def kyc_case_view(case: KycCase, policy: KycPolicy, today: dt.date) -> Document:
    stored = kyc_case_document(case)
    screening = stored["screening"]
    if screening is not None:
        screening = {
            key: value
            for key, value in screening.items()
            if key != "subjectFingerprint"
        }
        screening["openHits"] = len(case.open_hits)
        screening["clearedHits"] = len(case.cleared_hits)
    return {
        "customerId": case.customer_id,
        "status": case.status.value,
        "version": case.version,
        "openedAt": stored["openedAt"],
        "updatedAt": stored["updatedAt"],
        "documents": [
            {
                "type": document.type.value,
                "number": document.masked_number,
                "issuingCountry": document.issuing_country,
                "expiresOn": stored_document["expiresOn"],
                "expired": document.expired(today),
            }
            for document, stored_document in zip(
                case.documents, stored["documents"], strict=True
            )
        ],
        "proofOfAddress": stored["proofOfAddress"],
        "pepDeclaration": stored["pepDeclaration"],
        "checks": stored["checks"],
        "screening": screening,
        "risk": stored["risk"],
        "nextReviewOn": stored["nextReviewOn"],
        "allowedTransitions": [status.value for status in allowed_from(case.status)],
        "verificationBlockers": list(verification_blockers(case, policy, today)),
        "history": stored["history"],
    }


def hit_view(hit: RecordedHit) -> Document:
    clearance = hit.clearance
    return {
        "id": hit.hit_id,
        "listName": hit.list_name,
        "entryUid": hit.entry_uid,
        "matchedName": hit.matched_name,
        "matchedOn": hit.matched_on,
        "score": hit.score,
        "explanation": list(hit.explanation),
        "entryFingerprint": hit.entry_fingerprint,
        "screenedAt": hit.screened_at.isoformat(),
        "status": hit.status.value,
        "clearance": None
        if clearance is None
        else {
            "actor": clearance.actor,
            "clearedAt": clearance.cleared_at.isoformat(),
            "reason": clearance.reason,
        },
    }
