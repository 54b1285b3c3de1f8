"""Checking real responses against the OpenAPI document."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from cims.entrypoints.http.openapi import openapi_document


def assert_conforms(
    method: str, route: str, status: int, headers: Any, body: Any
) -> None:
    """Fail unless the status is documented for the route and the body fits."""
    document = openapi_document()
    operation = document["paths"][route][method.lower()]
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method} {route} does not document {status}"
    if "$ref" in response:
        response = _resolve(document, response["$ref"])

    content = response.get("content")
    if not content:
        return
    media_type = headers.get("content-type", "").split(";")[0]
    assert media_type in content, f"{media_type} not documented for {status}"
    schema = content[media_type]["schema"]
    validator = Draft202012Validator(
        {**document, **schema}, format_checker=FormatChecker()
    )
    errors = sorted(validator.iter_errors(body), key=str)
    assert not errors, "\n".join(error.message for error in errors)


def _resolve(document: dict[str, Any], pointer: str) -> Any:
    node: Any = document
    for part in pointer.removeprefix("#/").split("/"):
        node = node[part]
    return node
