"""KYC evidence: identity documents, proof of address and the PEP declaration.

Document numbers are personal data: they are kept whole in the case (the bank
must be able to produce them) but only ever shown masked, as `****1234`, in
responses and error messages.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import attrs

from cims.domain.errors import FieldError, InvalidInput
from cims.domain.values import clean_text, parse_country

MAX_DOCUMENTS = 10
_DOCUMENT_NUMBER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 \-/]{0,39}$")
SHOWN_DIGITS = 4
T = TypeVar("T")


class DocumentType(enum.Enum):
    PASSPORT = "passport"
    NATIONAL_ID = "national_id"
    DRIVING_LICENCE = "driving_licence"
    RESIDENCE_PERMIT = "residence_permit"


def mask_number(number: str) -> str:
    """`****` and the last four characters; short numbers are masked whole."""
    compact = number.replace(" ", "").replace("-", "").replace("/", "")
    if len(compact) <= SHOWN_DIGITS + 2:
        return "****"
    return "****" + compact[-SHOWN_DIGITS:]


@attrs.frozen
class IdentityDocument:
    type: DocumentType
    number: str = attrs.field(repr=lambda number: mask_number(number))
    issuing_country: str
    expires_on: dt.date | None = None

    @property
    def masked_number(self) -> str:
        return mask_number(self.number)

    def expired(self, today: dt.date) -> bool:
        return self.expires_on is not None and self.expires_on < today

    def describe(self) -> str:
        """How the document is named in checks and messages, number masked."""
        kind = self.type.value.replace("_", " ")
        return f"{kind} {self.masked_number} issued by {self.issuing_country}"


@attrs.frozen
class ProofOfAddress:
    """A document showing where the customer lives, e.g. a utility bill."""

    kind: str
    issued_on: dt.date | None = None


@attrs.frozen
class PepDeclaration:
    """The customer's statement whether they are a politically exposed person."""

    is_pep: bool
    details: str | None = None


@attrs.frozen
class Submission:
    """What a customer handed in for one round of review."""

    documents: tuple[IdentityDocument, ...] = ()
    proof_of_address: ProofOfAddress | None = None
    pep_declaration: PepDeclaration | None = None


def read_submission(document: Mapping[str, Any]) -> Submission:
    """Validate a submission document (API names).

    Raises:
        InvalidInput: listing every field that failed; numbers are masked.
    """
    if not isinstance(document, Mapping):
        raise InvalidInput(
            f"a KYC submission must be a JSON object; got {type(document).__name__}",
            [FieldError("", "must be a JSON object")],
        )
    errors: list[FieldError] = []
    unknown = set(document) - {"documents", "proofOfAddress", "pepDeclaration"}
    errors.extend(
        FieldError(str(key)[:50], "is not a submission field") for key in unknown
    )

    documents: list[IdentityDocument] = []
    raw_documents = document.get("documents") or []
    if not isinstance(raw_documents, list) or len(raw_documents) > MAX_DOCUMENTS:
        errors.append(
            FieldError("documents", f"must be a list of at most {MAX_DOCUMENTS}")
        )
        raw_documents = []
    for index, raw in enumerate(raw_documents):
        found = _identity_document(raw, f"documents[{index}]", errors)
        if found is not None:
            documents.append(found)

    proof = _optional(document, "proofOfAddress", _proof_of_address, errors)
    pep = _optional(document, "pepDeclaration", _pep_declaration, errors)
    if errors:
        fields = ", ".join(error.field for error in errors)
        raise InvalidInput(f"KYC submission is invalid in: {fields}", errors)
    return Submission(tuple(documents), proof, pep)


def _identity_document(
    raw: Any, field: str, errors: list[FieldError]
) -> IdentityDocument | None:
    if not isinstance(raw, Mapping):
        errors.append(FieldError(field, "must be an object"))
        return None
    before = len(errors)
    unknown = set(raw) - {"type", "number", "issuingCountry", "expiresOn"}
    if unknown:
        errors.append(
            FieldError(field, f"has unknown fields: {', '.join(sorted(unknown))}")
        )

    kinds = ", ".join(kind.value for kind in DocumentType)
    kind = None
    try:
        kind = DocumentType(raw.get("type"))
    except ValueError:
        errors.append(FieldError(f"{field}.type", f"must be one of {kinds}"))

    number = raw.get("number")
    if not isinstance(number, str) or not _DOCUMENT_NUMBER.match(number.strip()):
        # The value is never echoed: it may be a real document number.
        length = len(number) if isinstance(number, str) else 0
        errors.append(
            FieldError(
                f"{field}.number",
                "must be 1 to 40 letters, digits, spaces, dashes or slashes; "
                f"got {length} characters",
            )
        )

    country = None
    try:
        country = parse_country(_text(raw.get("issuingCountry")), "issuingCountry")
    except InvalidInput as error:
        errors.append(FieldError(f"{field}.issuingCountry", _message(error)))

    expires = _date(raw.get("expiresOn"), f"{field}.expiresOn", errors)
    if len(errors) > before or kind is None or country is None:
        return None
    assert isinstance(number, str)
    return IdentityDocument(kind, number.strip().upper(), country, expires)


def _proof_of_address(raw: Any, errors: list[FieldError]) -> ProofOfAddress | None:
    if not isinstance(raw, Mapping):
        errors.append(FieldError("proofOfAddress", "must be an object"))
        return None
    kind = raw.get("kind")
    if not isinstance(kind, str) or not clean_text(kind) or len(kind) > 100:
        errors.append(
            FieldError("proofOfAddress.kind", "must be a text of 1 to 100 characters")
        )
        return None
    issued = _date(raw.get("issuedOn"), "proofOfAddress.issuedOn", errors)
    return ProofOfAddress(clean_text(kind), issued)


def _pep_declaration(raw: Any, errors: list[FieldError]) -> PepDeclaration | None:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("isPep"), bool):
        errors.append(
            FieldError("pepDeclaration", "must be an object with a boolean isPep")
        )
        return None
    details = raw.get("details")
    if details is not None and (not isinstance(details, str) or len(details) > 500):
        errors.append(
            FieldError("pepDeclaration.details", "must be a text of at most 500")
        )
        return None
    return PepDeclaration(raw["isPep"], clean_text(details) if details else None)


def _optional(
    document: Mapping[str, Any],
    field: str,
    parse: Callable[[Any, list[FieldError]], T | None],
    errors: list[FieldError],
) -> T | None:
    raw = document.get(field)
    return None if raw is None else parse(raw, errors)


def _date(raw: Any, field: str, errors: list[FieldError]) -> dt.date | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    errors.append(FieldError(field, "must be a date as YYYY-MM-DD"))
    return None


def _text(raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidInput("must be a string", [FieldError("", "must be a string")])
    return raw


def _message(error: InvalidInput) -> str:
    return error.errors[0].message if error.errors else str(error)
