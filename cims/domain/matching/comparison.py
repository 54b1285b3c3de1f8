"""Field-by-field comparison of two prepared records into comparison levels.

Each field compares to one level, strongest first; `NULL` means one side has
no value, which is no evidence at all (weight 0), never agreement.
"""

from __future__ import annotations

import attrs
import jellyfish
from rapidfuzz import fuzz
from rapidfuzz.distance import JaroWinkler, Levenshtein

from ..cleansing.addresses import address_key, postcode_key
from ..cleansing.emails import email_key
from ..cleansing.phones import phone_key
from ..cleansing.text import fold_key
from .record import PersonRecord
from .settings import ExtraKind

NULL = -1


@attrs.frozen
class ComparisonField:
    """A compared field and the names of its levels, strongest first."""

    name: str
    levels: tuple[str, ...]
    informational: bool = False


NAME_LEVELS = ("exact", "very_similar", "similar", "initial", "different")
SURNAME_LEVELS = ("exact", "very_similar", "similar", "different")
DATE_LEVELS = ("exact", "day_month_swapped", "one_part_differs", "different")
ID_LEVELS = ("exact", "one_edit", "different")
TEXT_LEVELS = ("exact", "very_similar", "similar", "different")
EXACT_LEVELS = ("exact", "different")

CORE_FIELDS = (
    ComparisonField("given_name", NAME_LEVELS),
    ComparisonField("surname", SURNAME_LEVELS),
    ComparisonField("date_of_birth", DATE_LEVELS),
    ComparisonField("email", ("exact", "similar", "different")),
    ComparisonField("phone", ("exact", "one_digit_differs", "different")),
    ComparisonField("address_line", TEXT_LEVELS),
    ComparisonField("postcode", ("exact", "one_char_differs", "different")),
    ComparisonField("city", ("exact", "similar", "different")),
    ComparisonField("country", EXACT_LEVELS),
)
NAME_ORDER = ComparisonField("name_order", ("as_entered", "transposed"), True)
_EXTRA_LEVELS: dict[str, tuple[str, ...]] = {
    "identifier": ID_LEVELS,
    "text": TEXT_LEVELS,
    "exact": EXACT_LEVELS,
}


def comparison_fields(
    extras: tuple[tuple[str, ExtraKind], ...],
) -> tuple[ComparisonField, ...]:
    extra_fields = tuple(ComparisonField(n, _EXTRA_LEVELS[k]) for n, k in extras)
    return (*CORE_FIELDS, *extra_fields, NAME_ORDER)


def _code(text: str) -> str:
    # Metaphone wants letters; for other scripts the folded text is the code.
    letters = "".join(c for c in text if c.isascii() and c.isalpha())
    return jellyfish.metaphone(letters) if letters else text


class Features:
    """Keys of one record, computed once so each comparison is cheap."""

    __slots__ = (
        "address",
        "city",
        "country",
        "dob",
        "email",
        "extras",
        "fingerprint",
        "given",
        "given_code",
        "index",
        "phone",
        "postcode",
        "record_id",
        "surname",
        "surname_code",
        "surname_sound",
    )

    def __init__(
        self,
        index: int,
        record: PersonRecord,
        extras: tuple[tuple[str, ExtraKind], ...],
    ) -> None:
        self.index = index
        self.record_id = record.record_id
        self.given = fold_key(record.given_name) if record.given_name else None
        self.surname = fold_key(record.surname) if record.surname else None
        self.given_code = _code(self.given) if self.given else None
        self.surname_code = _code(self.surname) if self.surname else None
        letters = "".join(c for c in self.surname or "" if c.isascii() and c.isalpha())
        self.surname_sound = jellyfish.nysiis(letters) if letters else self.surname
        birth = record.date_of_birth
        self.dob = (birth.year, birth.month, birth.day) if birth else None
        self.email = email_key(record.email) if record.email else None
        self.phone = (phone_key(record.phone) or None) if record.phone else None
        self.address = address_key(record.address_line) if record.address_line else None
        self.postcode = (
            (postcode_key(record.postcode) or None) if record.postcode else None
        )
        self.city = fold_key(record.city) if record.city else None
        self.country = record.country.upper() if record.country else None
        self.extras = tuple(_extra_key(record.extra_value(n), k) for n, k in extras)
        self.fingerprint = (
            self.given,
            self.surname,
            self.dob,
            self.email,
            self.phone,
            self.address,
            self.postcode,
            self.city,
            self.country,
            self.extras,
        )

    def has_identifying_data(self) -> bool:
        return any(v for v in self.fingerprint[:-1]) or any(self.extras)


def _extra_key(value: str | None, kind: ExtraKind) -> str | None:
    if value is None:
        return None
    if kind == "identifier":
        key = "".join(c for c in value.upper() if c.isalnum())
    else:
        key = fold_key(value)
    return key or None


def _name(a: str | None, b: str | None, code_a: str | None, code_b: str | None) -> int:
    if a is None or b is None:
        return NULL
    if a == b:
        return 0
    similarity = JaroWinkler.normalized_similarity(a, b)
    if similarity >= 0.92:
        return 1
    if similarity >= 0.80 or code_a == code_b:
        return 2
    if (len(a) == 1 or len(b) == 1) and a[0] == b[0]:
        return 3
    return 4


def _surname(
    a: str | None, b: str | None, code_a: str | None, code_b: str | None
) -> int:
    level = _name(a, b, code_a, code_b)
    return 3 if level == 4 else level


def _date(a: tuple[int, int, int] | None, b: tuple[int, int, int] | None) -> int:
    if a is None or b is None:
        return NULL
    if a == b:
        return 0
    if a[0] == b[0] and a[1] == b[2] and a[2] == b[1]:
        return 1
    same = (a[0] == b[0]) + (a[1] == b[1]) + (a[2] == b[2])
    if same == 2:
        return 2
    return 3


def _text(a: str | None, b: str | None) -> int:
    if a is None or b is None:
        return NULL
    if a == b:
        return 0
    score = max(fuzz.token_set_ratio(a, b), fuzz.ratio(a, b))
    if score >= 90:
        return 1
    if score >= 75:
        return 2
    return 3


def _identifier(a: str | None, b: str | None) -> int:
    if a is None or b is None:
        return NULL
    if a == b:
        return 0
    if Levenshtein.distance(a, b, score_cutoff=1) <= 1 or _one_swap(a, b):
        return 1
    return 2


def _one_swap(a: str, b: str) -> bool:
    if len(a) != len(b):
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    return len(diff) == 2 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def _exact(a: str | None, b: str | None) -> int:
    if a is None or b is None:
        return NULL
    return 0 if a == b else 1


def _similar(a: str | None, b: str | None, cutoff: float) -> int:
    if a is None or b is None:
        return NULL
    if a == b:
        return 0
    return 1 if JaroWinkler.normalized_similarity(a, b) >= cutoff else 2


def _email(a: str | None, b: str | None) -> int:
    """Similar: the same mailbox at another domain, or one slip in the mailbox.

    Looser fuzzy scores would call "mary.smith388@" and "mary.smith327@"
    similar, yet mailboxes built from a common name are often strangers'.
    """
    if a is None or b is None:
        return NULL
    if a == b:
        return 0
    local_a, _, domain_a = a.rpartition("@")
    local_b, _, domain_b = b.rpartition("@")
    if local_a == local_b and len(local_a) >= 4:
        return 1
    if (
        domain_a == domain_b
        and min(len(local_a), len(local_b)) >= 6
        and _digits(local_a) == _digits(local_b)
        and Levenshtein.distance(local_a, local_b, score_cutoff=1) <= 1
    ):
        # Numbers in mailboxes tell namesakes apart; a slip must be a letter.
        return 1
    return 2


def _digits(text: str) -> str:
    return "".join(c for c in text if c.isdigit())


def _extra(a: str | None, b: str | None, kind: ExtraKind) -> int:
    if kind == "identifier":
        return _identifier(a, b)
    if kind == "text":
        return _text(a, b)
    return _exact(a, b)


def compare(
    a: Features, b: Features, extras: tuple[tuple[str, ExtraKind], ...]
) -> tuple[int, ...]:
    """Comparison levels of every field, in `comparison_fields` order.

    Given name and surname are also tried crosswise; when the crossed order
    agrees better, the names compare crosswise and `name_order` says so.
    The comparison is symmetric: compare(a, b) == compare(b, a).
    """
    given = _name(a.given, b.given, a.given_code, b.given_code)
    surname = _surname(a.surname, b.surname, a.surname_code, b.surname_code)
    order = 0
    if given + surname > 1 and a.given != a.surname and b.given != b.surname:
        crossed_given = _name(a.given, b.surname, a.given_code, b.surname_code)
        crossed_surname = _surname(a.surname, b.given, a.surname_code, b.given_code)
        if (
            crossed_given != NULL
            and crossed_surname != NULL
            and crossed_given <= 1
            and crossed_surname <= 1
            and crossed_given + crossed_surname < given + surname
        ):
            given, surname, order = crossed_given, crossed_surname, 1

    postcode = _identifier(a.postcode, b.postcode)
    phone = _identifier(a.phone, b.phone)
    return (
        given,
        surname,
        _date(a.dob, b.dob),
        _email(a.email, b.email),
        phone,
        _text(a.address, b.address),
        postcode,
        _similar(a.city, b.city, 0.9),
        _exact(a.country, b.country),
        *(
            _extra(x, y, kind)
            for x, y, (_, kind) in zip(a.extras, b.extras, extras, strict=True)
        ),
        order,
    )
