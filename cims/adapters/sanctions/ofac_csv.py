"""Load the OFAC SDN list from its legacy CSV files (sdn.csv, alt.csv, add.csv).

The three files share the entry number in their first column. The format's
quirks handled here: `-0- ` stands for "no value"; individuals are written
"SURNAME, Given Names"; dates of birth, nationalities and weak a.k.a. names
live in the free-text remarks; the files have no header; and the last line of
a file can be cut short, which is reported and tolerated, never fatal.
"""

from __future__ import annotations

import csv
import hashlib
import io
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from attrs import define, field

from cims.domain.screening import (
    Alias,
    AliasType,
    BirthDate,
    EntryType,
    WatchlistEntry,
)

logger = logging.getLogger(__name__)

LIST_NAME = "OFAC-SDN"
NO_VALUE = "-0-"
_FILES = ("sdn.csv", "alt.csv", "add.csv")
_COLUMNS = {"sdn.csv": 12, "alt.csv": 5, "add.csv": 6}
_ENTRY_TYPES = {
    "individual": EntryType.INDIVIDUAL,
    "vessel": EntryType.VESSEL,
    "aircraft": EntryType.AIRCRAFT,
}
# fmt: off
_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
         "nov", "dec"),
        start=1,
    )
}
# fmt: on
_DOB = re.compile(r"\bDOB\s+([^;]+)")
_DATE = re.compile(
    r"^(?:(circa)\s+)?(?:(\d{1,2})\s+)?(?:([A-Za-z]{3})[a-z]*\s+)?(\d{4})"
    r"(?:\s+to\s+(?:\d{1,2}\s+)?(?:[A-Za-z]{3}[a-z]*\s+)?(\d{4}))?"
)
_NATIONALITY = re.compile(r"\b(?:nationality|citizen)\s+([^;]+)", re.IGNORECASE)
_WEAK_AKA = re.compile(r"a\.k\.a\.\s+((?:'[^']+'(?:[,;]?\s*)?)+)")
_QUOTED = re.compile(r"'([^']+)'")
# "circa 1960" is read as 1958-1962.
_CIRCA_YEARS = 2


@define
class LoadReport:
    """What a load read, kept, and skipped (with why), for the log and callers."""

    encoding: str = "ascii"
    entries: int = 0
    aliases: int = 0
    weak_aliases: int = 0
    addresses: int = 0
    skipped: Counter[str] = field(factory=Counter)
    cut_short: list[str] = field(factory=list)


def _value(raw: str) -> str | None:
    text = raw.strip()
    if not text or text == NO_VALUE:
        return None
    return text


def _decode(data: bytes) -> tuple[str, str]:
    # The published files have been plain ASCII for years, but older copies were
    # Windows-1252; latin-1 is the last resort because it accepts any byte.
    for encoding in ("utf-8", "cp1252", "latin-1"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")


def _read_csv(name: str, text: str, report: LoadReport) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return rows
        except csv.Error as ex:
            report.skipped[f"{name}: unreadable CSV ({ex})"] += 1
            if reader.line_num >= text.count("\n"):
                report.cut_short.append(f"{name} line {reader.line_num}")
            continue
        rows.append((reader.line_num, row))


def _rows(name: str, text: str, report: LoadReport) -> Iterable[tuple[int, list[str]]]:
    # A DOS end-of-file mark is not data.
    text = text.rstrip("\x1a")
    ends_cleanly = text.endswith("\n")
    rows = [(n, r) for n, r in _read_csv(name, text, report) if any(r)]
    expected = _COLUMNS[name]

    for position, (number, row) in enumerate(rows, start=1):
        last = position == len(rows) and not ends_cleanly
        if last and len(row) == expected and row[-1].strip() in ("-", "-0"):
            # The line stops inside the final "-0- ": the value was empty anyway.
            row[-1] = NO_VALUE
            report.cut_short.append(f"{name} line {number} (inside its last -0-)")
        elif len(row) != expected:
            reason = "cut short" if last else f"{len(row)} fields, expected {expected}"
            report.skipped[f"{name}: {reason}"] += 1
            if last:
                report.cut_short.append(f"{name} line {number}")
            continue

        if not row[0].strip().isdigit():
            report.skipped[f"{name}: entry number is not a number"] += 1
            continue

        yield int(row[0]), row


def _birth_dates(remarks: str) -> tuple[BirthDate, ...]:
    dates = []
    for found in _DOB.findall(remarks):
        match = _DATE.match(found.strip())
        if not match:
            continue

        circa, day, month, year, until = match.groups()
        year_from = int(year)
        year_to = int(until) if until else year_from
        if circa:
            dates.append(BirthDate(year_from - _CIRCA_YEARS, year_to + _CIRCA_YEARS))
        elif until:
            dates.append(BirthDate(year_from, year_to))
        else:
            month_number = _MONTHS.get(month.lower()) if month else None
            day_number = int(day) if day and month_number else None
            dates.append(BirthDate.exact(year_from, month_number, day_number))
    return tuple(dates)


def _nationalities(remarks: str) -> tuple[str, ...]:
    found = (n.strip().rstrip(".").strip() for n in _NATIONALITY.findall(remarks))
    return tuple(dict.fromkeys(n for n in found if n))


def _weak_aliases(remarks: str) -> list[Alias]:
    names = []
    for group in _WEAK_AKA.findall(remarks):
        names.extend(_QUOTED.findall(group))
    return [Alias(n.strip(), AliasType.AKA, weak=True) for n in names if n.strip()]


class OfacCsvSanctionsList:
    """The SDN list read from a directory holding sdn.csv, alt.csv and add.csv.

    The files are read on construction and again by `reload()`; `version()` is
    a digest of their bytes, so it changes exactly when the content does.
    """

    list_name = LIST_NAME

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)
        self._entries: list[WatchlistEntry] = []
        self._version = ""
        self.report = LoadReport()
        self.reload()

    def entries(self) -> list[WatchlistEntry]:
        return list(self._entries)

    def version(self) -> str:
        return self._version

    def reload(self) -> LoadReport:
        digest = hashlib.sha256()
        texts = {}
        report = LoadReport()
        encodings = set()
        for name in _FILES:
            path = self.directory / name
            data = path.read_bytes()
            digest.update(name.encode() + b"\0" + data + b"\0")
            texts[name], encoding = _decode(data)
            encodings.add(encoding)
        report.encoding = "+".join(sorted(encodings))

        self._entries = self._parse(texts, report)
        self._version = digest.hexdigest()[:16]
        self.report = report
        self._log(report)
        return report

    def _parse(self, texts: dict[str, str], report: LoadReport) -> list[WatchlistEntry]:
        aliases: dict[int, list[Alias]] = defaultdict(list)
        for ent_num, row in _rows("alt.csv", texts["alt.csv"], report):
            alias_name = _value(row[3])
            if alias_name is None:
                report.skipped["alt.csv: alias without a name"] += 1
                continue
            kind = (_value(row[2]) or "aka").lower()
            alias_type = (
                AliasType(kind) if kind in ("aka", "fka", "nka") else (AliasType.AKA)
            )
            aliases[ent_num].append(Alias(alias_name, alias_type))

        countries: dict[int, list[str]] = defaultdict(list)
        address_count: Counter[int] = Counter()
        for ent_num, row in _rows("add.csv", texts["add.csv"], report):
            address_count[ent_num] += 1
            country = _value(row[4])
            if country and country not in countries[ent_num]:
                countries[ent_num].append(country)

        entries = []
        known = set()
        for ent_num, row in _rows("sdn.csv", texts["sdn.csv"], report):
            name = _value(row[1])
            if name is None:
                report.skipped["sdn.csv: entry without a name"] += 1
                continue

            if ent_num in known:
                report.skipped["sdn.csv: repeated entry number"] += 1
                continue

            known.add(ent_num)
            remarks = _value(row[11]) or ""
            weak = _weak_aliases(remarks)
            programs = re.split(r"\]\s*\[|;", _value(row[3]) or "")
            entry = WatchlistEntry(
                list_name=LIST_NAME,
                uid=str(ent_num),
                entry_type=_ENTRY_TYPES.get(
                    (_value(row[2]) or "").lower(), EntryType.ENTITY
                ),
                primary_name=name,
                aliases=(*aliases.get(ent_num, ()), *weak),
                programs=tuple(p.strip("[] ") for p in programs if p),
                birth_dates=_birth_dates(remarks),
                nationalities=_nationalities(remarks),
                countries=tuple(countries.get(ent_num, ())),
                remarks=remarks or None,
            )
            entries.append(entry)
            report.aliases += len(aliases.get(ent_num, ()))
            report.weak_aliases += len(weak)
            report.addresses += address_count.get(ent_num, 0)

        orphans = {n for n in (*aliases, *address_count) if n not in known}
        if orphans:
            report.skipped["alt.csv/add.csv: rows for an unknown entry"] += sum(
                len(aliases.get(n, ())) + address_count.get(n, 0) for n in orphans
            )
        report.entries = len(entries)
        return entries

    def _log(self, report: LoadReport) -> None:
        logger.info(
            "Loaded %d %s entries from %s (%s): %d aliases, %d weak aliases from "
            "remarks, %d addresses",
            report.entries,
            LIST_NAME,
            self.directory,
            report.encoding,
            report.aliases,
            report.weak_aliases,
            report.addresses,
        )
        for line in report.cut_short:
            logger.warning(
                "%s: %s looks cut short; check that the download is complete",
                LIST_NAME,
                line,
            )
        for reason, count in sorted(report.skipped.items()):
            logger.warning("%s: skipped %d lines: %s", LIST_NAME, count, reason)
