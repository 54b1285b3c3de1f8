"""Computing a golden record from source records, with its provenance."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from cims.domain.source_feeds import SourceRecord

from .rules import DEFAULT_RULES, FIELDS, Rule, SurvivorshipRules

VERIFIED = "Verified"


@attrs.frozen(order=True)
class SourceRef:
    """Which source record a value came from."""

    source: str
    source_key: str

    def __str__(self) -> str:
        return f"{self.source}:{self.source_key}"


@attrs.frozen
class GoldenRecord:
    """The chosen values (a profile document) and, per field, where each came from.

    Accounts are traced one by one as "accounts[<accountId>]".
    """

    document: dict[str, Any]
    provenance: dict[str, SourceRef]


def golden_record(
    sources: Iterable[SourceRecord], rules: SurvivorshipRules = DEFAULT_RULES
) -> GoldenRecord:
    """Choose every field's value from the sources by the rules.

    A source offers a value for a field when its values hold the field with
    something in it (not null, not empty); a source that did not send the
    field, or sent it empty, neither wins nor erases.
    """
    ordered = sorted(sources, key=_tie_break, reverse=True)
    document: dict[str, Any] = {}
    provenance: dict[str, SourceRef] = {}
    winner_of_names: SourceRecord | None = None
    for field in FIELDS:
        if field == "accounts":
            continue
        offering = [s for s in ordered if _present(s.values.get(field))]
        if not offering:
            continue
        chosen = _choose(offering, rules.chain(field), rules)
        document[field] = chosen.values[field]
        provenance[field] = _ref(chosen)
        if field == "lastName":
            winner_of_names = chosen

    accounts, traced = _accounts(ordered, winner_of_names)
    if accounts:
        document["accounts"] = accounts
        provenance.update(traced)
    return GoldenRecord(document, provenance)


def _choose(
    offering: Sequence[SourceRecord], chain: Sequence[Rule], rules: SurvivorshipRules
) -> SourceRecord:
    left = list(offering)
    for rule in chain:
        if rule == "verified":
            verified = [s for s in left if s.values.get("kycStatus") == VERIFIED]
            left = verified or left
        elif rule == "trusted":
            best = min(rules.trust(s.source) for s in left)
            left = [s for s in left if rules.trust(s.source) == best]
        else:
            latest = max(s.received_at for s in left)
            left = [s for s in left if s.received_at == latest]
    # `offering` is in tie-break order, best first, and filtering keeps it.
    return left[0]


def _accounts(
    ordered: Sequence[SourceRecord], first: SourceRecord | None
) -> tuple[list[Any], dict[str, SourceRef]]:
    # The record that gave the name leads, so a lone source keeps its order.
    leading = [first] if first is not None else []
    kept: list[Any] = []
    traced: dict[str, SourceRef] = {}
    for source in [*leading, *(s for s in ordered if s is not first)]:
        for account in source.values.get("accounts") or ():
            account_id = (
                str(account.get("accountId")) if isinstance(account, dict) else None
            )
            key = f"accounts[{account_id}]"
            if account_id is None or key in traced:
                continue
            kept.append(account)
            traced[key] = _ref(source)
    return kept, traced


def _tie_break(source: SourceRecord) -> tuple[Any, ...]:
    return (source.received_at, source.source, source.source_key)


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and value != {}


def _ref(source: SourceRecord) -> SourceRef:
    return SourceRef(source.source, source.source_key)
