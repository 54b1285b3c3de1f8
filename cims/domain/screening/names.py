"""Name normalisation for screening: folding, tokens, particles and keys.

Every name, listed or screened, goes through the same steps so that spelling
accidents do not decide a match:

1. Unicode NFKD, combining marks dropped ("José" -> "Jose"), plus the few
   letters NFKD does not split ("ø", "ł", "đ", "æ", ...).
2. Full case folding (`str.casefold`, so "Weiß" == "weiss").
3. Apostrophes removed ("Mas'ud" -> "masud"); hyphens and other punctuation
   become spaces ("al-Hassan" -> "al hassan").
4. Particles and suffixes that carry little identity ("al", "bin", "de", "jr")
   are set aside; they neither make nor break a match.
5. Each token is mapped to a canonical romanisation (see variants.py), and
   run-together "abdul"/"abdel" forms are split ("Abdulrahman" -> "abd rahman").
6. A phonetic key (consonant skeleton) catches variants the table misses.

LIMITATION: names in non-Latin scripts (Cyrillic, Arabic, Hangul) are not
transliterated; NFKD leaves them as they are, so "Александр" does not meet
"Aleksandr". LIMITATION: a particle run into the name ("Alhassan" for
"al-Hassan") is not split off; the string metrics must bridge it.
"""

from __future__ import annotations

import re
import unicodedata

from attrs import frozen

from cims.domain.screening.variants import canonical_spelling

# Letters that NFKD leaves whole; mapped by hand to their usual ASCII spelling.
# fmt: off
_UNSPLIT_LETTERS = str.maketrans(
    {
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ð": "d",
        "Ð": "D", "þ": "th", "Þ": "Th", "æ": "ae", "Æ": "Ae", "œ": "oe",
        "Œ": "Oe", "\u0131": "i", "ħ": "h", "ŧ": "t", "ŋ": "ng",
    }
)
# fmt: on

# Apostrophe-like marks vanish inside a word: "Mas'ud", "Ch'o'l", "ʿAbd".
_APOSTROPHES = re.compile("['\u2018\u2019\u02bc\u02bb\u02bf\u02be`\u00b4]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# fmt: off
PARTICLES = frozenset(
    {
        "al", "el", "ul", "ad", "ar", "as", "ash", "at", "az", "an", "bin", "ibn",
        "ben", "bint", "binti", "bte", "de", "del", "della", "der", "di", "du",
        "da", "das", "dos", "do", "la", "le", "los", "las", "van", "von", "y",
        "jr", "sr", "ii", "iii", "mr", "mrs", "ms", "dr",
    }
)
# fmt: on

# Run-together forms of "abd" + name: "abdulrahman", "abdelaziz", "abdurrahman".
# Not "abdullah" and its misspellings, which are one name ("abd" + "allah").
_ABD_PREFIX = re.compile(r"^(abd(?:ul|el|al|ol|ur|ar|er|ou|u))([a-z]{4,})$")
_ALLAH_ENDINGS = ("lah", "llah", "lla", "la")

# fmt: off
_DIGRAPHS = {
    "sch": "s", "tch": "c", "dzh": "j", "kh": "h", "gh": "g", "ph": "f", "th": "t",
    "dh": "d", "sh": "s", "ch": "c", "zh": "j", "ck": "k", "ts": "c", "tz": "c",
    "dj": "j", "ou": "u", "x": "ks",
}
_DIGRAPH = re.compile("|".join(sorted(_DIGRAPHS, key=len, reverse=True)))
_CONSONANT_CLASS = str.maketrans(
    {"q": "k", "g": "k", "c": "k", "x": "k", "z": "s", "d": "t", "b": "p",
     "w": "f", "v": "f"}
)
# fmt: on
_VOWELS_AND_H = re.compile("[aeiouyh]")
_REPEATS = re.compile(r"(.)\1+")


def fold_text(text: str) -> str:
    """Fold a name to lower-case ASCII words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNSPLIT_LETTERS))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = stripped.casefold().translate(_UNSPLIT_LETTERS)
    folded = _APOSTROPHES.sub("", folded)
    return _NON_ALNUM.sub(" ", folded).strip()


def split_listed_name(text: str) -> tuple[str, str]:
    """Split "SURNAME, Given Names" into (given names, surname).

    A name without a comma is returned as (everything but the last word, last
    word), the usual Western order. Extra commas ("DELOS REYES, Feliciano, Jr.")
    stay with the given names.
    """
    if "," in text:
        surname, given = text.split(",", 1)
        return given.replace(",", " ").strip(), surname.strip()

    words = text.split()
    if len(words) < 2:
        return "", text.strip()

    return " ".join(words[:-1]), words[-1]


def display_order(text: str) -> str:
    """Write "SURNAME, Given" as "Given SURNAME"; other names stay as they are."""
    given, surname = split_listed_name(text)
    if "," not in text:
        return text.strip()

    return f"{given} {surname}".strip()


def phonetic_key(token: str) -> str:
    """A consonant skeleton of a folded token: "mohamed" and "muhammad" -> "mmt".

    Digraphs are reduced, similar consonants share a class, vowels and "h" drop
    out after the first letter, and doubled letters count once.
    """
    word = _DIGRAPH.sub(lambda m: _DIGRAPHS[m.group(0)], _REPEATS.sub(r"\1", token))

    if not word:
        return ""

    head = "a" if word[0] in "aeiouy" else word[0].translate(_CONSONANT_CLASS)
    tail = _VOWELS_AND_H.sub("", word[1:]).translate(_CONSONANT_CLASS)
    return _REPEATS.sub(r"\1", head + tail)


@frozen
class NameForm:
    """A name prepared for comparison.

    `tokens` are the canonical tokens that identify the person; `particles` are
    the set-aside words, kept only for explanations. `surname` holds the tokens
    known to be the family name (a listed "SURNAME, Given" name, or a family
    name given on its own), and is empty when the order is unknown.
    """

    original: str
    tokens: tuple[str, ...]
    spellings: tuple[str, ...]
    particles: tuple[str, ...]
    surname: tuple[str, ...] = ()
    # (canonical, as spelled) for every token. The spelling is kept because a
    # typo in a variant spelling ("Mohhmmad") takes it out of the variants
    # table while it is still close to the listed spelling.
    units: tuple[tuple[str, str], ...] = ()

    @property
    def identity_tokens(self) -> tuple[str, ...]:
        """Tokens longer than an initial: the ones that can find candidates."""
        return tuple(t for t in self.tokens if len(t) > 1)

    @property
    def identity_spellings(self) -> tuple[str, ...]:
        return tuple(s for t, s in self.units if len(t) > 1)


def _canonical_tokens(words: list[str]) -> list[tuple[str, str]]:
    units: list[tuple[str, str]] = []
    for word in words:
        canonical = canonical_spelling(word)
        glued = _ABD_PREFIX.match(canonical) if canonical == word else None
        if glued and not glued.group(2).endswith(_ALLAH_ENDINGS):
            rest = glued.group(2)
            units.extend((("abd", glued.group(1)), (canonical_spelling(rest), rest)))
        else:
            units.append((canonical, word))
    return units


def _split_particles(text: str) -> tuple[list[str], tuple[str, ...]]:
    words = fold_text(text).split()
    kept = [w for w in words if w not in PARTICLES]

    # A name made only of particles ("Al") is still a name: keep its words.
    if not kept:
        return words, ()

    return kept, tuple(w for w in words if w in PARTICLES)


def name_form(text: str, family_name: str | None = None) -> NameForm:
    """Prepare a name, in any order or form, for comparison.

    With `family_name`, `text` is the whole name and `family_name` says which
    part of it is the surname.
    """
    kept, particles = _split_particles(text)
    surname: tuple[str, ...] = ()
    if family_name:
        family = _canonical_tokens(_split_particles(family_name)[0])
        surname = tuple(canonical for canonical, _ in family)

    units = _canonical_tokens(kept)
    return NameForm(
        text,
        tuple(canonical for canonical, _ in units),
        tuple(spelling for _, spelling in units),
        particles,
        surname,
        tuple(units),
    )


def listed_name_form(text: str) -> NameForm:
    """Prepare a listed name; "SURNAME, Given" marks which part is the surname."""
    if "," not in text:
        return name_form(text)

    return name_form(text, family_name=text.split(",", 1)[0])
