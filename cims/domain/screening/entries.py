"""Watch-list entries: the people, companies, vessels and aircraft on a list."""

from __future__ import annotations

import enum
import hashlib
import json

from attrs import field, frozen


class EntryType(enum.Enum):
    INDIVIDUAL = "individual"
    ENTITY = "entity"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


class AliasType(enum.Enum):
    AKA = "aka"  # also known as
    FKA = "fka"  # formerly known as
    NKA = "nka"  # now known as


@frozen
class Alias:
    """Another name an entry is known by.

    A weak alias is one the list owner flags as low quality (in the OFAC legacy
    files: the quoted a.k.a. names inside the remarks); screening skips them
    unless the policy asks for them, because they produce mostly noise.
    """

    name: str
    alias_type: AliasType = AliasType.AKA
    weak: bool = False


@frozen
class BirthDate:
    """A date of birth as precise as the list gives it.

    Years run from `year_from` to `year_to` (equal for an exact year); month and
    day are None when the list gives only a year or a range of years.
    """

    year_from: int
    year_to: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def exact(
        cls, year: int, month: int | None = None, day: int | None = None
    ) -> BirthDate:
        return cls(year, year, month, day)

    def describe(self) -> str:
        if self.year_from != self.year_to:
            return f"{self.year_from}-{self.year_to}"

        if self.month is None:
            return str(self.year_from)

        if self.day is None:
            return f"{self.year_from}-{self.month:02d}"

        return f"{self.year_from}-{self.month:02d}-{self.day:02d}"


@frozen
class WatchlistEntry:
    """One listed party, with every name it is known by.

    `nationalities` come from what the list says about nationality or
    citizenship; `countries` from the party's addresses, which is weaker
    evidence (people live abroad), so only nationalities can count against a
    match.
    """

    list_name: str
    uid: str
    entry_type: EntryType
    primary_name: str
    aliases: tuple[Alias, ...] = ()
    programs: tuple[str, ...] = ()
    birth_dates: tuple[BirthDate, ...] = ()
    nationalities: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    remarks: str | None = field(default=None, eq=True)

    @property
    def fingerprint(self) -> str:
        """A digest of the entry's content, to tell that a listing has changed."""
        content = {
            "list": self.list_name,
            "uid": self.uid,
            "type": self.entry_type.value,
            "name": self.primary_name,
            "aliases": [[a.name, a.alias_type.value, a.weak] for a in self.aliases],
            "programs": list(self.programs),
            "dob": [[d.year_from, d.year_to, d.month, d.day] for d in self.birth_dates],
            "nationalities": list(self.nationalities),
            "countries": list(self.countries),
            "remarks": self.remarks,
        }
        text = json.dumps(content, sort_keys=True, ensure_ascii=True)
        return hashlib.sha256(text.encode("ascii")).hexdigest()[:32]
