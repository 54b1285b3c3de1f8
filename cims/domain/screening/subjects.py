"""The person (or company) being screened: plain inputs, no customer model."""

from __future__ import annotations

import datetime

from attrs import frozen

from cims.domain.screening.errors import InvalidScreeningSubject


@frozen
class ScreeningSubject:
    """Who we screen: a full name, or given names plus a family name.

    A full name may be written "Given Family" or "FAMILY, Given"; screening
    does not depend on the order of the names.
    """

    full_name: str | None = None
    given_names: str | None = None
    family_name: str | None = None
    date_of_birth: datetime.date | None = None
    nationality: str | None = None

    def __attrs_post_init__(self) -> None:
        if not (self.full_name or self.given_names or self.family_name):
            msg = (
                "ScreeningSubject needs full_name or given_names/family_name, "
                "got none of them"
            )
            raise InvalidScreeningSubject(msg)

    @property
    def name(self) -> str:
        """The name as one string, family name last when given in parts."""
        if self.full_name:
            return self.full_name

        parts = (self.given_names or "", self.family_name or "")
        return " ".join(p for p in parts if p)
