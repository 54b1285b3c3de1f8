"""KYC cases in SQL: a versioned JSON document per customer."""

from __future__ import annotations

import sqlalchemy as sa

from cims.adapters.sqlalchemy.errors import database_errors
from cims.adapters.sqlalchemy.schema import kyc_cases
from cims.domain.errors import VersionConflict
from cims.domain.kyc import KycCase, kyc_case_document, read_kyc_case

_c = kyc_cases.c
_GET = sa.select(_c.document).where(_c.customer_id == sa.bindparam("id"))
_VERSION = sa.select(_c.version).where(_c.customer_id == sa.bindparam("id"))
_UPDATE = sa.update(kyc_cases).where(
    _c.customer_id == sa.bindparam("match_id"),
    _c.version == sa.bindparam("expected_version"),
)


class SqlKycRepository:
    def __init__(self, connection: sa.Connection) -> None:
        self._connection = connection

    def get(self, customer_id: str) -> KycCase | None:
        with database_errors("read a KYC case"):
            document = self._connection.execute(_GET, {"id": customer_id}).scalar()
        return None if document is None else read_kyc_case(document)

    def add(self, case: KycCase) -> None:
        with database_errors("add a KYC case"):
            existing = self._connection.execute(
                _VERSION, {"id": case.customer_id}
            ).scalar()
            if existing is not None:
                raise VersionConflict(case.customer_id, 0, existing)
            self._connection.execute(
                sa.insert(kyc_cases),
                {
                    "customer_id": case.customer_id,
                    "version": case.version,
                    "document": kyc_case_document(case),
                },
            )

    def update(self, case: KycCase, expected_version: int) -> None:
        with database_errors("update a KYC case"):
            result = self._connection.execute(
                _UPDATE,
                {
                    "match_id": case.customer_id,
                    "expected_version": expected_version,
                    "version": case.version,
                    "document": kyc_case_document(case),
                },
            )
            if result.rowcount == 1:
                return
            actual = self._connection.execute(
                _VERSION, {"id": case.customer_id}
            ).scalar()
        raise VersionConflict(case.customer_id, expected_version, actual)
