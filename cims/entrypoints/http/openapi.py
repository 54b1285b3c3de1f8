"""The OpenAPI document, loaded from the YAML file shipped in the package.

The source of truth is `cims/entrypoints/http/openapi.yaml`; `docs/openapi.yaml`
is the same file for readers (a test keeps the two identical).
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml


@functools.cache
def openapi_document() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("openapi.yaml").read_text()
    document: dict[str, Any] = yaml.safe_load(text)
    return document
