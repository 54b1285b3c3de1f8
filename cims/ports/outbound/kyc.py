"""The KYC case repository port.

An adapter keeps `(customer_id, version, kyc_case_document(case))` and reads
cases back with `read_kyc_case`; see `cims.domain.kyc.codec`.
"""

from __future__ import annotations

from typing import Protocol

from cims.domain.kyc import KycCase


class KycRepository(Protocol):
    def get(self, customer_id: str) -> KycCase | None:
        """The customer's case, or None when none was opened yet."""
        ...

    def add(self, case: KycCase) -> None:
        """Store a new case (version 1).

        Raises:
            VersionConflict: the customer already has a case.
        """
        ...

    def update(self, case: KycCase, expected_version: int) -> None:
        """Store a new version of a case.

        Raises:
            VersionConflict: the stored version is not `expected_version`.
        """
        ...
