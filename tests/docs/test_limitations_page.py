"""The known-limitations page lists every LIMITATION note in the code."""

from __future__ import annotations

from pathlib import Path

from docs.hooks.limitations import MARKER, collect, on_page_markdown, render

ROOT = Path(__file__).parents[2]


def test_every_limitation_note_in_the_code_is_collected():
    notes = sum(
        path.read_text(encoding="utf-8").count("LIMITATION:")
        for path in (ROOT / "cims").rglob("*.py")
    )

    collected = collect(ROOT)

    assert len(collected) == notes
    assert all(len(limitation.text) > 20 for limitation in collected)


def test_a_note_is_read_to_the_end_of_its_comment_or_paragraph(tmp_path):
    module = tmp_path / "cims" / "thing.py"
    module.parent.mkdir()
    module.write_text(
        '"""A module.\n\nLIMITATION: the first note runs on\nto this line. '
        'LIMITATION: a second\nnote.\n\nUnrelated prose.\n"""\n\n'
        "x = 1  # LIMITATION: a comment note\n# that continues.\ny = 2\n"
    )

    texts = [limitation.text for limitation in collect(tmp_path)]

    assert texts == [
        "the first note runs on to this line.",
        "a second note.",
        "a comment note that continues.",
    ]


def test_the_page_marker_is_replaced_by_the_notes():
    page = on_page_markdown(f"# Known limitations\n\n{MARKER}\n")

    assert MARKER not in page
    assert render(collect(ROOT)) in page
