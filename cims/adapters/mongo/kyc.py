"""KYC cases in MongoDB: one versioned document per customer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cims.adapters.mongo.documents import MongoDocumentRepository
from cims.domain.kyc import KycCase, kyc_case_document, read_kyc_case

if TYPE_CHECKING:
    from cims.adapters.mongo.store import MongoUnitOfWork

KYC_CASES = "kyc_cases"


class MongoKycRepository:
    def __init__(self, uow: MongoUnitOfWork) -> None:
        self._documents = MongoDocumentRepository(uow, KYC_CASES)

    def get(self, customer_id: str) -> KycCase | None:
        stored = self._documents.get(customer_id)
        return None if stored is None else read_kyc_case(stored.document)

    def add(self, case: KycCase) -> None:
        self._documents.add(case.customer_id, kyc_case_document(case))

    def update(self, case: KycCase, expected_version: int) -> None:
        self._documents.update(
            case.customer_id, kyc_case_document(case), expected_version
        )
