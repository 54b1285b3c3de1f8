"""Source-system feeds: how a source's columns map onto the customer document.

A source system (a core-banking export, a CRM dump) sends files of rows. Its
`SourceMapping` says which files are its, their format, which column is the
source's own key for a record, and which column fills which field of the
customer document (dotted paths for nested fields, `[n]` for list items:
`postalAddress.lines[0]`). `map_row` turns one row into a document and the
source key, reporting every field it could not map.

`SourceRecord` keeps a row as it arrived (which system, when, which values)
and the hash of what it mapped to: the same row again hashes the same and
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any

import attrs

from cims.domain.errors import FieldError, InvalidInput

FORMATS = ("csv", "jsonl")
_PATH_PART = re.compile(r"^([A-Za-z][A-Za-z0-9]*)(?:\[(\d)\])?$")


@attrs.frozen
class ColumnRule:
    """Where one source column goes, and how to read it on the way."""

    field: str
    # strptime format for dates the source does not write as YYYY-MM-DD.
    date_format: str | None = None


@attrs.frozen
class SourceMapping:
    name: str
    files: str
    format: str
    key_column: str
    columns: dict[str, ColumnRule]
    default_region: str = "US"

    def map_row(self, row: Mapping[str, Any]) -> MappedRow:
        """The source key and the customer document (a merge patch) for one row.

        Mapped columns that are empty give `None`, which clears the field when
        the customer already exists. Columns that cannot be read are left out
        of the document and listed in `errors`.
        """
        errors: list[FieldError] = []
        key = _value(row, self.key_column)
        if key is None:
            errors.append(
                FieldError(self.key_column, "is required: it is the source key")
            )

        document: dict[str, Any] = {}
        for column, rule in self.columns.items():
            value = _value(row, column)
            if value is not None and rule.date_format:
                try:
                    value = _date(value, rule.date_format)
                except ValueError as error:
                    errors.append(FieldError(rule.field, str(error)))
                    continue
            _place(document, rule.field, value)
        return MappedRow("" if key is None else str(key), document, tuple(errors))


@attrs.frozen
class MappedRow:
    source_key: str
    document: dict[str, Any]
    errors: tuple[FieldError, ...] = ()

    @property
    def record_hash(self) -> str:
        canonical = json.dumps(
            self.document, sort_keys=True, separators=(",", ":"), default=str
        )
        return hashlib.sha256(canonical.encode()).hexdigest()

    def patch(self) -> dict[str, Any]:
        """The document as a merge patch for a stored customer.

        A nested object with no values clears the whole object; list items
        that are empty are dropped.
        """
        patched = _patch(self.document)
        assert isinstance(patched, dict)
        return patched

    def registration(self) -> dict[str, Any]:
        """The document without cleared fields, for a customer not yet stored."""
        kept = _without_nulls(self.document)
        assert isinstance(kept, dict)
        return kept


@attrs.frozen
class SourceRecord:
    """One source record as last received, and the customer it feeds."""

    source: str
    source_key: str
    customer_id: str
    record_hash: str
    values: dict[str, Any]
    received_at: dt.datetime
    file: str | None = None


@attrs.frozen
class Rejection:
    """A row that was not imported: where it was, what it held, and why."""

    line: int
    raw: Any
    reasons: tuple[FieldError, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "raw": self.raw,
            "reasons": [{"field": r.field, "reason": r.message} for r in self.reasons],
        }


def parse_sources(config: Any) -> tuple[SourceMapping, ...]:
    """Read the `sources:` list of a feed configuration.

    Raises:
        InvalidInput: naming every entry and key that is wrong.
    """
    if not isinstance(config, Mapping) or not isinstance(config.get("sources"), list):
        raise InvalidInput(
            "a feed configuration needs a 'sources' list",
            [FieldError("sources", "must be a list of source mappings")],
        )
    errors: list[FieldError] = []
    mappings: list[SourceMapping] = []
    for index, entry in enumerate(config["sources"]):
        where = f"sources[{index}]"
        try:
            mappings.append(_source(entry))
        except InvalidInput as error:
            errors.extend(
                FieldError(f"{where}.{e.field}" if e.field else where, e.message)
                for e in error.errors
            )
    names = [mapping.name for mapping in mappings]
    if len(names) != len(set(names)):
        errors.append(FieldError("sources", "must not repeat a source name"))
    if errors:
        raise InvalidInput("the feed configuration is invalid", errors)
    return tuple(mappings)


def _source(entry: Any) -> SourceMapping:
    if not isinstance(entry, Mapping):
        raise _invalid("", "must be a mapping")
    errors: list[FieldError] = []

    def text(key: str, default: str | None = None) -> str:
        value = entry.get(key, default)
        if not isinstance(value, str) or not value.strip():
            errors.append(FieldError(key, "is required and must be text"))
            return ""
        return value.strip()

    name = text("name")
    files = text("files")
    format_ = text("format", "csv").lower()
    if format_ and format_ not in FORMATS:
        errors.append(FieldError("format", f"must be one of {', '.join(FORMATS)}"))
    key_column = text("key")
    region = text("default_region", "US").upper()

    columns: dict[str, ColumnRule] = {}
    raw_columns = entry.get("columns")
    if not isinstance(raw_columns, Mapping) or not raw_columns:
        errors.append(FieldError("columns", "must map source columns to fields"))
        raw_columns = {}
    for column, rule in raw_columns.items():
        try:
            columns[str(column)] = _column_rule(rule)
        except InvalidInput as error:
            errors.extend(
                FieldError(f"columns.{column}", e.message) for e in error.errors
            )
    fields = [rule.field for rule in columns.values()]
    if len(fields) != len(set(fields)):
        errors.append(FieldError("columns", "must not map two columns to one field"))

    unknown = set(entry) - {
        "name",
        "files",
        "format",
        "key",
        "default_region",
        "columns",
    }
    if unknown:
        errors.append(FieldError("", f"has unknown keys: {', '.join(sorted(unknown))}"))
    if errors:
        raise InvalidInput("invalid source mapping", errors)
    return SourceMapping(name, files, format_, key_column, columns, region)


def _column_rule(rule: Any) -> ColumnRule:
    if isinstance(rule, str):
        rule = {"field": rule}
    if not isinstance(rule, Mapping) or not isinstance(rule.get("field"), str):
        raise _invalid("", "must be a field path or {field: ..., date_format: ...}")
    field = rule["field"]
    if not all(_PATH_PART.match(part) for part in field.split(".")):
        raise _invalid("", f"field {field!r} is not a path like postalAddress.city")
    date_format = rule.get("date_format")
    if date_format is not None and not isinstance(date_format, str):
        raise _invalid("", "date_format must be a strptime format such as %d/%m/%Y")
    return ColumnRule(field, date_format)


def _invalid(field: str, message: str) -> InvalidInput:
    return InvalidInput(message, [FieldError(field, message)])


def _value(row: Mapping[str, Any], column: str) -> Any:
    """The column's value, None when absent or blank; dots reach into objects."""
    value: Any = row.get(column)
    if value is None and "." in column:
        value = row
        for part in column.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _date(value: Any, date_format: str) -> str:
    text = str(value)
    try:
        return dt.datetime.strptime(text, date_format).date().isoformat()
    except ValueError:
        raise ValueError(
            f"must be a date as {date_format}; got {text[:40]!r}"
        ) from None


def _place(document: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    target = document
    for part in parts[:-1]:
        target = target.setdefault(part, {})
    match = _PATH_PART.match(parts[-1])
    assert match is not None, "paths are checked when the mapping is read"
    name, index = match.group(1), match.group(2)
    if index is None:
        target[name] = value
        return
    items: list[Any] = target.setdefault(name, [])
    while len(items) <= int(index):
        items.append(None)
    items[int(index)] = value


def _patch(value: Any) -> Any:
    if isinstance(value, dict):
        kept = {k: _patch(v) for k, v in value.items()}
        return kept if any(v is not None for v in kept.values()) else None
    if isinstance(value, list):
        items = [_patch(item) for item in value if item is not None]
        return items or None
    return value


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        kept = {k: _without_nulls(v) for k, v in value.items() if v is not None}
        return {k: v for k, v in kept.items() if v not in ({}, [])}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value if item is not None]
    return value
