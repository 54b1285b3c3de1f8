"""What a unit of work stages before commit: document writes and side records."""

from __future__ import annotations

from typing import Any

import attrs

Document = dict[str, Any]


@attrs.frozen
class SideRecord:
    """A document for another collection that must be stored with a write."""

    collection: str
    document: Document
    owner: str | None  # the id of the document it belongs with, if any


@attrs.define
class StagedWrite:
    """One conditional change to one document, applied at commit."""

    collection: str
    document_id: str
    fields: Document | None  # None deletes the document
    expected_version: int | None  # None inserts a new document
