"""A customer's lineage: the source records it is made of and its merge history.

One lineage per customer id. A survivor holds its own sources and those of
every customer merged into it; each active merge keeps a snapshot of the
absorbed customer and of its lineage, so an unmerge restores it exactly. A
merged-away id keeps a lineage too, saying `merged_into`, so it still
resolves. `history` records every merge and unmerge: who, when, why.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

import attrs

from cims.domain.errors import CimsError
from cims.domain.source_feeds import SourceRecord

API_SOURCE = "api"

Document = dict[str, Any]


class MergeRefused(CimsError, ValueError):
    """A merge or unmerge that the lineage does not allow."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@attrs.frozen
class MergeEntry:
    """An active merge: what came in, and how to give it back."""

    merged_id: str
    merged_at: dt.datetime
    customer: Document  # the absorbed customer as stored (see customer codec)
    lineage: Document  # the absorbed customer's lineage before the merge


@attrs.frozen
class HistoryEntry:
    action: Literal["merged", "unmerged"]
    other_id: str
    at: dt.datetime
    actor: str
    reason: str


@attrs.frozen
class CustomerLineage:
    customer_id: str
    sources: tuple[SourceRecord, ...] = ()
    merges: tuple[MergeEntry, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    merged_into: str | None = None
    version: int = 1

    def source_keys(self) -> set[tuple[str, str]]:
        return {(s.source, s.source_key) for s in self.sources}


def with_source(lineage: CustomerLineage, record: SourceRecord) -> CustomerLineage:
    """The lineage with `record` replacing any record of the same source and key."""
    kept = tuple(
        s
        for s in lineage.sources
        if (s.source, s.source_key) != (record.source, record.source_key)
    )
    record = attrs.evolve(record, customer_id=lineage.customer_id)
    return attrs.evolve(lineage, sources=(*kept, record))


def merge_lineages(
    survivor: CustomerLineage,
    absorbed: CustomerLineage,
    absorbed_customer: Document,
    actor: str,
    reason: str,
    now: dt.datetime,
) -> tuple[CustomerLineage, CustomerLineage]:
    """The survivor with the absorbed sources, and the absorbed id's redirect."""
    if survivor.customer_id == absorbed.customer_id:
        raise MergeRefused(f"cannot merge customer {survivor.customer_id} into itself")
    if survivor.merged_into or absorbed.merged_into:
        raise MergeRefused("a customer merged away cannot take part in another merge")

    moved = tuple(
        attrs.evolve(s, customer_id=survivor.customer_id) for s in absorbed.sources
    )
    entry = MergeEntry(
        absorbed.customer_id, now, absorbed_customer, lineage_document(absorbed)
    )
    merged = attrs.evolve(
        survivor,
        sources=(*survivor.sources, *moved),
        merges=(*survivor.merges, entry),
        history=(
            *survivor.history,
            HistoryEntry("merged", absorbed.customer_id, now, actor, reason),
        ),
    )
    redirect = attrs.evolve(
        absorbed,
        sources=(),
        merges=(),
        merged_into=survivor.customer_id,
        history=(
            *absorbed.history,
            HistoryEntry("merged", survivor.customer_id, now, actor, reason),
        ),
    )
    return merged, redirect


def unmerge_lineage(
    survivor: CustomerLineage,
    restored_id: str,
    actor: str,
    reason: str,
    now: dt.datetime,
) -> tuple[CustomerLineage, CustomerLineage, Document]:
    """Split `restored_id` off: the survivor without its sources, the restored
    lineage, and the restored customer's stored document.

    Raises:
        MergeRefused: `restored_id` is not merged into this survivor.
    """
    entry = next((m for m in survivor.merges if m.merged_id == restored_id), None)
    if entry is None:
        raise MergeRefused(
            f"customer {restored_id} is not merged into {survivor.customer_id}"
        )
    before = read_lineage(entry.lineage)
    leaving = before.source_keys()
    remaining = attrs.evolve(
        survivor,
        sources=tuple(
            s for s in survivor.sources if (s.source, s.source_key) not in leaving
        ),
        merges=tuple(m for m in survivor.merges if m is not entry),
        history=(
            *survivor.history,
            HistoryEntry("unmerged", restored_id, now, actor, reason),
        ),
    )
    # Sources that arrived for the survivor after the merge stay with it.
    restored = attrs.evolve(
        before,
        history=(
            *before.history,
            HistoryEntry("merged", survivor.customer_id, entry.merged_at, actor, ""),
            HistoryEntry("unmerged", survivor.customer_id, now, actor, reason),
        ),
    )
    return remaining, restored, entry.customer


# The lineage as JSON, for storage adapters.
def lineage_document(lineage: CustomerLineage) -> Document:
    return {
        "customerId": lineage.customer_id,
        "version": lineage.version,
        "mergedInto": lineage.merged_into,
        "sources": [_source_document(s) for s in lineage.sources],
        "merges": [
            {
                "mergedId": m.merged_id,
                "mergedAt": _iso(m.merged_at),
                "customer": m.customer,
                "lineage": m.lineage,
            }
            for m in lineage.merges
        ],
        "history": [
            {
                "action": h.action,
                "otherId": h.other_id,
                "at": _iso(h.at),
                "actor": h.actor,
                "reason": h.reason,
            }
            for h in lineage.history
        ],
    }


def read_lineage(document: Document) -> CustomerLineage:
    try:
        return CustomerLineage(
            customer_id=str(document["customerId"]),
            version=int(document["version"]),
            merged_into=document.get("mergedInto"),
            sources=tuple(_read_source(s) for s in document["sources"]),
            merges=tuple(
                MergeEntry(
                    str(m["mergedId"]),
                    dt.datetime.fromisoformat(m["mergedAt"]),
                    dict(m["customer"]),
                    dict(m["lineage"]),
                )
                for m in document["merges"]
            ),
            history=tuple(
                HistoryEntry(
                    h["action"],
                    str(h["otherId"]),
                    dt.datetime.fromisoformat(h["at"]),
                    str(h["actor"]),
                    str(h["reason"]),
                )
                for h in document["history"]
            ),
        )
    except (KeyError, TypeError, ValueError) as error:
        shown = str(document.get("customerId"))[:64]
        msg = f"lineage document {shown!r} cannot be read: {error!r}"
        raise CimsError(msg) from error


def _source_document(source: SourceRecord) -> Document:
    return {
        "source": source.source,
        "sourceKey": source.source_key,
        "customerId": source.customer_id,
        "recordHash": source.record_hash,
        "values": source.values,
        "receivedAt": _iso(source.received_at),
        "file": source.file,
    }


def _read_source(document: Document) -> SourceRecord:
    return SourceRecord(
        source=str(document["source"]),
        source_key=str(document["sourceKey"]),
        customer_id=str(document["customerId"]),
        record_hash=str(document["recordHash"]),
        values=dict(document["values"]),
        received_at=dt.datetime.fromisoformat(document["receivedAt"]),
        file=document.get("file"),
    )


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds")
