"""The configuration reference lists every setting, its variable and default."""

from __future__ import annotations

import re
from pathlib import Path

import attrs

from cims.entrypoints.settings import Settings

PAGE = Path(__file__).parents[2] / "docs" / "operations" / "configuration.md"
ROW = re.compile(r"^\| `(\w+)` \| `(CIMS_\w+)` \| (.+?) \| .+ \|$", re.MULTILINE)


def documented_default(default: object) -> str:
    if default == "":
        return "*(empty)*"
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    return f"`{default}`"


def test_every_setting_is_documented_with_its_variable_and_default():
    rows = {
        name: (env, default) for name, env, default in ROW.findall(PAGE.read_text())
    }
    expected = {
        field.name: (f"CIMS_{field.name.upper()}", documented_default(field.default))
        for field in attrs.fields(Settings)
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
