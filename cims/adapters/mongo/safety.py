"""Defence against query-operator injection: only literal values reach MongoDB.

The domain already rejects non-string field values, but this adapter does not
rely on it. Every filter value goes through `literal` (or `literal_number`), which
accepts a plain string (or integer) only and wraps it in `$eq`, so a value such as
`{"$ne": null}` can never act as an operator. Documents whose keys come from
outside (event payloads, JSON documents) are checked by `plain_keys`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cims.domain.errors import FieldError, InvalidInput


def text(value: Any, field: str) -> str:
    """`value` itself when it is a string; anything else is refused."""
    if not isinstance(value, str):
        raise _not_a(field, "string", value)
    return value


def whole_number(value: Any, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _not_a(field, "whole number", value)
    return value


def literal(value: Any, field: str) -> dict[str, Any]:
    """An equality condition on a string that matches it and nothing else."""
    return {"$eq": text(value, field)}


def literal_number(value: Any, field: str) -> dict[str, Any]:
    return {"$eq": whole_number(value, field)}


def _not_a(field: str, expected: str, value: Any) -> InvalidInput:
    found = type(value).__name__
    return InvalidInput(
        f"{field} must be a {expected}; got {found}",
        [FieldError(field, f"must be a {expected}; got {found}")],
    )


def plain_keys(document: Any, field: str = "") -> None:
    """Reject keys MongoDB could read as an operator or a path.

    Raises:
        InvalidInput: a key starts with `$`, contains `.` or a NUL, or is not
            a string; the message names where it sits.
    """
    if isinstance(document, Mapping):
        for key, value in document.items():
            where = f"{field}.{key}" if field else str(key)
            if (
                not isinstance(key, str)
                or key.startswith("$")
                or "." in key
                or "\x00" in key
            ):
                shown = str(key)[:50]
                raise InvalidInput(
                    f"{field or 'document'} has a key {shown!r} that storage cannot "
                    "accept; keys must not start with '$' or contain '.'",
                    [FieldError(field, f"key {shown!r} is not allowed")],
                )
            plain_keys(value, where)
    elif isinstance(document, list | tuple):
        for index, item in enumerate(document):
            plain_keys(item, f"{field}[{index}]")
