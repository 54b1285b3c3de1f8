"""Opaque cursors for keyset pagination."""

from __future__ import annotations

import base64
import binascii

from cims.entrypoints.http.problems import Problem


def encode_cursor(after: str) -> str:
    return base64.urlsafe_b64encode(after.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = base64.urlsafe_b64decode(padded.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    if not decoded or len(decoded) > 64:
        raise Problem(
            400,
            "bad-cursor",
            "Invalid cursor",
            'use the cursor from a Link: rel="next" header as it is',
        )
    return decoded
