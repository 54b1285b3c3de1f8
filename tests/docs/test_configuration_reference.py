"""The configuration reference lists every setting, its variable and default."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pytest

from cims.adapters.kafka.settings import KafkaSettings
from cims.entrypoints.settings import Settings

PAGE = Path(__file__).parents[2] / "docs" / "operations" / "configuration.md"
ROW = re.compile(r"^\| `(\w+)` \| `(CIMS_\w+)` \| (.+?) \| .+ \|$", re.MULTILINE)


def documented_default(field: attrs.Attribute) -> str:
    default = field.default
    if isinstance(default, attrs.Factory):
        default = default.factory()
    if default in ("", None) or default == {}:
        return "*(empty)*"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    if isinstance(default, tuple):
        return f"`{','.join(default)}`"
    return f"`{default}`"


def documented_rows(prefix: str) -> dict[str, tuple[str, str]]:
    return {
        name: (env, default)
        for name, env, default in ROW.findall(PAGE.read_text())
        if env.removeprefix(prefix).lower() == name
    }


@pytest.mark.parametrize(
    ("settings", "prefix"),
    [(Settings, "CIMS_"), (KafkaSettings, "CIMS_KAFKA_")],
    ids=["service", "kafka"],
)
def test_every_setting_is_documented_with_its_variable_and_default(settings, prefix):
    rows = documented_rows(prefix)
    expected = {
        field.name: (f"{prefix}{field.name.upper()}", documented_default(field))
        for field in attrs.fields(settings)
    }

    missing = [
        f"| `{name}` | `{env}` | {default} | ... |"
        for name, (env, default) in expected.items()
        if name not in rows
    ]
    assert not missing, "add to docs/operations/configuration.md:\n" + "\n".join(
        missing
    )
    assert rows == expected
