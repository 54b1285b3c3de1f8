"""Reading JSON request bodies strictly: content type, size and syntax."""

from __future__ import annotations

import json
from typing import Any

import falcon

from cims.entrypoints.http.problems import Problem

JSON_TYPES = ("application/json",)
MERGE_PATCH_TYPES = ("application/merge-patch+json", "application/json")


def read_json(
    req: falcon.Request, limit: int, accepted: tuple[str, ...] = JSON_TYPES
) -> Any:
    media_type = (req.content_type or "").split(";")[0].strip().lower()
    if media_type not in accepted:
        raise Problem(
            415,
            "unsupported-media-type",
            "Unsupported media type",
            f"send the body as {' or '.join(accepted)}; "
            f"got {media_type or 'no Content-Type'}",
        )

    if req.content_length is not None and req.content_length > limit:
        raise _too_large(limit)
    raw = req.bounded_stream.read(limit + 1)
    if len(raw) > limit:
        raise _too_large(limit)

    try:
        return json.loads(raw, parse_constant=_no_constants)
    except RecursionError:
        raise _malformed("the JSON is nested too deeply") from None
    except ValueError as error:
        if "int_max_str_digits" in str(error) or "digits" in str(error):
            raise _malformed("a number in the body has too many digits") from None
        raise _malformed(f"could not parse the body: {error}") from None


def _no_constants(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _malformed(detail: str) -> Problem:
    return Problem(400, "malformed-json", "The body is not valid JSON", detail)


def _too_large(limit: int) -> Problem:
    return Problem(
        413,
        "body-too-large",
        "The request body is too large",
        f"the limit is {limit} bytes",
    )
