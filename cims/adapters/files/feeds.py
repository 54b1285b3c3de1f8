"""A feed inbox on disk: CSV and JSON Lines files, rejects files, done/ folder.

Layout under the inbox folder:

    <inbox>/<files matching each source's glob>
    <inbox>/rejects/<file>.rejects.jsonl   one JSON object per rejected row
    <inbox>/done/<file>                    files fully processed

CSV files are read as UTF-8 (a byte-order mark is skipped) with a header row;
line numbers are the file's physical lines, so a quoted value spanning lines
counts them all and the number points at where the row ends. JSON Lines files
hold one JSON object per line; blank lines are skipped and not counted.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import yaml

from cims.domain.source_feeds import Rejection, SourceMapping, parse_sources
from cims.ports.outbound.feeds import FeedRow

log = logging.getLogger(__name__)

REJECTS = "rejects"
DONE = "done"


class FolderInbox:
    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def files(self, source: SourceMapping) -> Sequence[str]:
        found = []
        for path in sorted(self.folder.glob(source.files)):
            relative = path.relative_to(self.folder)
            if path.is_file() and relative.parts[0] not in (REJECTS, DONE):
                found.append(relative.as_posix())
        return found

    def count_rows(self, name: str) -> int | None:
        # Counting lines is a fast byte scan; it gives progress bars a total.
        with (self.folder / name).open("rb") as handle:
            lines = sum(
                chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")
            )
        return max(lines - (1 if name.endswith(".csv") else 0), 0)

    def rows(
        self, name: str, source: SourceMapping, after_line: int
    ) -> Iterator[FeedRow]:
        path = self.folder / name
        if source.format == "jsonl":
            return _jsonl_rows(path, after_line)
        return _csv_rows(path, after_line)

    def reject(self, name: str, rejections: Sequence[Rejection]) -> None:
        path = self._rejects_path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            for rejection in rejections:
                handle.write(json.dumps(rejection.to_json(), ensure_ascii=False))
                handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())

    def forget_rejects_after(self, name: str, line: int) -> None:
        path = self._rejects_path(name)
        if not path.exists():
            return
        kept = [
            text
            for text in path.read_text(encoding="utf-8").splitlines()
            if text.strip() and json.loads(text)["line"] <= line
        ]
        temporary = path.with_suffix(".tmp")
        temporary.write_text("".join(f"{text}\n" for text in kept), encoding="utf-8")
        temporary.replace(path)

    def archive(self, name: str) -> None:
        target = self.folder / DONE / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            # The same file name again: keep both, the older one renamed.
            stamp = int(target.stat().st_mtime)
            target.rename(target.with_name(f"{target.name}.{stamp}"))
        shutil.move(self.folder / name, target)
        log.info("feed file %s processed; moved to %s", name, target)

    def rejects_path(self, name: str) -> Path:
        return self._rejects_path(name)

    def _rejects_path(self, name: str) -> Path:
        return self.folder / REJECTS / f"{name}.rejects.jsonl"


def load_sources(path: str | Path) -> tuple[SourceMapping, ...]:
    """The source mappings in a YAML feed configuration file.

    Raises:
        InvalidInput: the file's content is not a valid configuration.
    """
    return parse_sources(yaml.safe_load(Path(path).read_text(encoding="utf-8")))


def _csv_rows(path: Path, after_line: int) -> Iterator[FeedRow]:
    with path.open(
        encoding="utf-8-sig", errors="surrogateescape", newline=""
    ) as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return
        columns = [name.strip() for name in header]
        for values in reader:
            line = reader.line_num
            if line <= after_line:
                continue
            if not any(value.strip() for value in values):
                continue
            yield _csv_row(line, columns, values)


def _csv_row(line: int, columns: list[str], values: list[str]) -> FeedRow:
    raw: Any = dict(zip(columns, values, strict=False))
    if len(values) != len(columns):
        raw = values
        problem = f"has {len(values)} values; the header has {len(columns)} columns"
        return FeedRow(line, None, _printable(raw), problem)
    if any(_has_bad_bytes(value) for value in values):
        return FeedRow(line, None, _printable(raw), "is not valid UTF-8")
    return FeedRow(line, raw, raw)


def _jsonl_rows(path: Path, after_line: int) -> Iterator[FeedRow]:
    with path.open(encoding="utf-8", errors="surrogateescape") as handle:
        for line, text in enumerate(handle, start=1):
            if line <= after_line or not text.strip():
                continue
            if _has_bad_bytes(text):
                yield FeedRow(
                    line, None, _printable(text.rstrip("\n")), "is not valid UTF-8"
                )
                continue
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                problem = f"is not valid JSON: {error.msg} at column {error.colno}"
                yield FeedRow(line, None, text.rstrip("\n"), problem)
                continue
            if not isinstance(value, dict):
                yield FeedRow(line, None, value, "must be a JSON object")
                continue
            yield FeedRow(line, value, value)


def _has_bad_bytes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _printable(value: Any) -> Any:
    """The raw value with undecodable bytes shown as U+FFFD, so it can be written."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_printable(item) for item in value]
    return value
