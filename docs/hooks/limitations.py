"""MkDocs hook: the known-limitations page, collected from `LIMITATION:` notes.

Every shortcoming is stated where it lives, in a comment or docstring that
starts with `LIMITATION:`. This hook gathers them at build time and puts them
in place of the `<!-- limitations -->` marker, grouped by package, so the
page cannot fall behind the code.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs

MARKER = "<!-- limitations -->"
ROOT = Path(__file__).resolve().parents[2]
SPLIT = re.compile(r"\bLIMITATION:\s*")


@attrs.frozen
class Limitation:
    path: str  # relative to the repository root
    line: int
    text: str

    @property
    def module(self) -> str:
        return self.path.removesuffix(".py").replace("/", ".").removesuffix(".__init__")


def collect(root: Path = ROOT) -> list[Limitation]:
    """Every LIMITATION note under `root/cims`, in path and line order."""
    found: list[Limitation] = []
    for path in sorted((root / "cims").rglob("*.py")):
        lines = path.read_text(encoding="utf-8").splitlines()
        relative = path.relative_to(root).as_posix()
        for number, line in enumerate(lines):
            starting_here = line.count("LIMITATION:")
            if not starting_here:
                continue
            # The paragraph runs on past this line, maybe into further notes;
            # the first `starting_here` of its notes start on this line.
            notes = SPLIT.split(_paragraph(lines, number))[1:]
            for text in notes[:starting_here]:
                found.append(Limitation(relative, number + 1, " ".join(text.split())))
    return found


def _paragraph(lines: list[str], number: int) -> str:
    """From the first LIMITATION on `number` to the end of its comment block or
    docstring paragraph."""
    first = lines[number]
    comment = first.lstrip().startswith("#") or (
        "#" in first and first.index("#") < first.index("LIMITATION:")
    )
    text = [first[first.index("LIMITATION:") :]]
    for line in lines[number + 1 :]:
        stripped = line.strip()
        if comment:
            if not stripped.startswith("#"):
                break
            text.append(stripped.lstrip("#").strip())
        else:
            if not stripped or stripped.startswith('"""'):
                break
            text.append(stripped.removesuffix('"""'))
            if stripped.endswith('"""'):
                break
    return " ".join(text).strip().removesuffix('"""').strip()


def render(limitations: list[Limitation]) -> str:
    """Markdown: one section per top-level package, one bullet per note."""
    sections: dict[str, list[Limitation]] = {}
    for limitation in limitations:
        package = ".".join(limitation.module.split(".")[:2])
        sections.setdefault(package, []).append(limitation)
    out: list[str] = []
    for package, items in sections.items():
        out.append(f"## `{package}`\n")
        for item in items:
            out.append(f"- **`{item.module}`** (line {item.line}): {item.text}")
        out.append("")
    return "\n".join(out)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, render(collect()))
