"""Personal names: Unicode form, spacing, sensible casing and a comparison key."""

from __future__ import annotations

from .outcome import RULES_VERSION, CleansingOutcome
from .text import capitalise, collapse_spaces, fold_key, lower_char, nfc

# Particles written in lower case when they are not the first word of a name.
PARTICLES = frozenset(
    {
        "van",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "das",
        "do",
        "dos",
        "du",
        "la",
        "le",
        "von",
        "zu",
        "ter",
        "ten",
        "y",
        "bin",
        "binti",
        "bint",
        "ibn",
    }
)

# "Mac" is a prefix only for these names; "Macy", "Mack", "Machado" and
# "Macias" are not MacY, MacK, ... LIMITATION: names not listed here that
# arrive in one case get ordinary casing ("Macnamara"); people can retype.
MAC_NAMES = frozenset(
    {
        "macdonald",
        "macleod",
        "mackenzie",
        "macarthur",
        "macgregor",
        "macmillan",
        "macintosh",
        "mackay",
        "maclean",
        "macpherson",
        "macneil",
        "macaulay",
        "macinnes",
        "maclachlan",
        "macdougall",
        "macfarlane",
        "mackinnon",
        "macrae",
        "macqueen",
        "maclaren",
        "macintyre",
        "mackintosh",
        "maccallum",
        "macdonnell",
        "macewan",
        "macgillivray",
        "mackie",
        "maclennan",
        "macnaughton",
        "macniven",
        "macphail",
        "macaskill",
    }
)

NAME_FIELDS = ("given_name", "surname", "middle_names", "full_name")


def _case_part(part: str) -> str:
    """Case one hyphen-free piece such as "o'brien" or "mcdonald"."""
    low = "".join(lower_char(c) for c in part)
    if "'" in low or "\u2019" in low:
        mark = "'" if "'" in low else "\u2019"
        head, _, tail = low.partition(mark)
        # "O'Brien", "D'Angelo"; but "Ngo'a"-style inner marks keep the tail.
        if len(head) <= 2 and tail:
            return capitalise(head) + mark + capitalise(tail)
        return capitalise(low)
    if low.startswith("mc") and len(low) > 2:
        return "Mc" + capitalise(low[2:])
    if low in MAC_NAMES:
        return "Mac" + capitalise(low[3:])
    return capitalise(low)


def recase_name(name: str) -> str:
    """Case a name typed all upper or all lower ("VAN DER BERG" -> "van der Berg"
    when not first, "O'BRIEN" -> "O'Brien", "SMITH-JONES" -> "Smith-Jones")."""
    words = name.split(" ")
    cased = []
    for index, word in enumerate(words):
        low = "".join(lower_char(c) for c in word)
        if index > 0 and low in PARTICLES:
            cased.append(low)
            continue
        cased.append("-".join(_case_part(p) for p in word.split("-")))
    return " ".join(cased)


def cleanse_name(value: str, field: str = "name") -> CleansingOutcome[str]:
    """Tidy a name without ever rejecting it for the characters it uses.

    Mixed case is kept as typed (the person knows how their name is written);
    only ALL UPPER or all lower input is re-cased.
    """
    changes: list[str] = []
    text = nfc(value)
    if text != value:
        changes.append("unicode_normalised")

    spaced = collapse_spaces(text)
    if spaced != text:
        changes.append("whitespace_collapsed")

    result = spaced
    if spaced.isupper() or spaced.islower():
        result = nfc(recase_name(spaced))
        if result != spaced:
            changes.append("recased")

    return CleansingOutcome(
        field=field,
        original=value,
        value=result,
        changes=tuple(changes),
        details=(("key", name_key(result)),),
        rules_version=RULES_VERSION,
    )


def name_key(value: str) -> str:
    """Comparison key: casefolded, no diacritics, punctuation as spaces."""
    return fold_key(value)
