"""Synthetic bank customers with controlled duplicates, for scale benchmarks.

Each true person is a cluster; its first record is clean, further records
are duplicates carrying typical data-entry damage (typos, swapped names,
day/month swaps, provider e-mail tricks, national phone forms, abbreviations,
missing fields). Record ids read "p<person>-<copy>", so truth is the prefix.
"""

from __future__ import annotations

import itertools
import random
import string
from collections.abc import Iterator

GIVEN = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Charles",
    "Karen",
    "Christopher",
    "Nancy",
    "Daniel",
    "Lisa",
    "Matthew",
    "Margaret",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Oliver",
    "Amelia",
    "Harry",
    "Isla",
    "Jack",
    "Ava",
    "George",
    "Emily",
    "Noah",
    "Sophia",
    "Leo",
    "Grace",
    "Mohammed",
    "Fatima",
    "Ahmed",
    "Aisha",
    "Omar",
    "Zainab",
    "Ali",
    "Maryam",
    "Hassan",
    "Layla",
    "Wei",
    "Li",
    "Jun",
    "Mei",
    "Hiroshi",
    "Yuki",
    "Sanjay",
    "Priya",
    "Arjun",
    "Ananya",
    "Rahul",
    "Deepa",
    "Lukas",
    "Anna",
    "Jan",
    "Eva",
    "Piotr",
    "Zofia",
    "Mateo",
    "Lucia",
    "Sofia",
    "Hugo",
    "Chloe",
    "Louis",
    "Siobhan",
    "Aoife",
    "Ciaran",
    "Niamh",
    "Eoin",
    "Saoirse",
    "Kwame",
    "Ama",
    "Chinedu",
    "Ngozi",
    "Tunde",
    "Zoë",
    "José",
    "Renée",
    "Björn",
    "Søren",
    "François",
    "Ines",
    "Dmitri",
    "Olga",
    "Ivan",
    "Nikolai",
]

SURNAME_STEMS = [
    "smith",
    "jones",
    "taylor",
    "brown",
    "williams",
    "wilson",
    "johnson",
    "davies",
    "robinson",
    "wright",
    "thompson",
    "evans",
    "walker",
    "white",
    "roberts",
    "green",
    "hall",
    "wood",
    "jackson",
    "clarke",
    "patel",
    "khan",
    "singh",
    "shah",
    "ahmed",
    "hussain",
    "begum",
    "ali",
    "chen",
    "wang",
    "li",
    "zhang",
    "nguyen",
    "kim",
    "park",
    "murphy",
    "kelly",
    "byrne",
    "ryan",
    "walsh",
    "o'brien",
    "mcdonald",
    "macleod",
    "van",
    "der",
    "berg",
    "de",
    "la",
    "cruz",
    "garcia",
    "martinez",
    "lopez",
    "rodriguez",
    "muller",
    "schmidt",
    "schneider",
    "fischer",
    "kowalski",
    "nowak",
    "novak",
    "ivanov",
    "petrov",
    "rossi",
    "russo",
    "okafor",
    "mensah",
    "adeyemi",
]
SYLLABLES = [
    "ab",
    "ad",
    "al",
    "an",
    "ar",
    "ber",
    "bur",
    "ca",
    "car",
    "dal",
    "den",
    "dor",
    "el",
    "en",
    "er",
    "fal",
    "fer",
    "gar",
    "gil",
    "ham",
    "har",
    "hol",
    "ing",
    "kin",
    "lan",
    "ley",
    "lin",
    "mar",
    "mer",
    "mil",
    "mor",
    "nel",
    "nor",
    "ock",
    "ol",
    "orn",
    "per",
    "ray",
    "ric",
    "rod",
    "sal",
    "sel",
    "shaw",
    "son",
    "ston",
    "ter",
    "tin",
    "ton",
    "vel",
    "wal",
    "well",
    "win",
    "wor",
]
STREETS = [
    "High",
    "Church",
    "Station",
    "Victoria",
    "Green",
    "Manor",
    "Park",
    "Queen",
    "King",
    "Mill",
    "Kings",
    "Albert",
    "Bridge",
    "School",
    "Grange",
    "Chapel",
    "Springfield",
    "Windsor",
    "York",
    "New",
    "Main",
]
STREET_TYPES = ("Street", "Road", "Avenue", "Lane", "Close", "Drive", "Crescent")
CITIES = [
    "London",
    "Manchester",
    "Birmingham",
    "Leeds",
    "Glasgow",
    "Liverpool",
    "Bristol",
    "Sheffield",
    "Edinburgh",
    "Cardiff",
    "Leicester",
    "Coventry",
    "Belfast",
    "Nottingham",
    "Newcastle",
    "Brighton",
    "Plymouth",
    "Southampton",
    "Reading",
    "Derby",
]
PROVIDERS = ("gmail.com", "outlook.com", "yahoo.co.uk", "btinternet.com", "hotmail.com")


def _surnames(rng: random.Random, count: int) -> list[str]:
    names = [s.title() if "'" not in s else "O'Brien" for s in SURNAME_STEMS]
    names = [
        n.replace("Mcdonald", "McDonald").replace("Macleod", "MacLeod") for n in names
    ]
    while len(names) < count:
        parts = rng.randint(2, 3)
        names.append("".join(rng.choice(SYLLABLES) for _ in range(parts)).title())
    return names


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text) - 1)
    kind = rng.random()
    if kind < 0.33:
        return text[:i] + text[i + 1 :]
    if kind < 0.66:
        return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]
    return text[: i - 1] + text[i] + text[i - 1] + text[i + 1 :]


def _person(
    rng: random.Random, pid: int, surnames: list[str], weights: list[float]
) -> dict[str, str]:
    given = rng.choice(GIVEN)
    surname = rng.choices(surnames, cum_weights=weights)[0]
    year = rng.randint(1935, 2006)
    dob = f"{year:04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    local = f"{given}.{surname}".lower().replace(" ", "").replace("'", "")
    email = f"{local}{pid}@{rng.choice(PROVIDERS)}"
    phone = f"+447{rng.randint(100000000, 999999999)}"
    street = f"{rng.randint(1, 250)} {rng.choice(STREETS)} {rng.choice(STREET_TYPES)}"
    area = rng.choice("ABCEGHKLMNPRSTW") + rng.choice("ABCDEHLMNRSTWY")
    inward = "".join(rng.choice("ABDEFGHJLNPQRSTUWXYZ") for _ in range(2))
    postcode = f"{area}{rng.randint(1, 29)} {rng.randint(1, 9)}{inward}"
    return {
        "record_id": f"p{pid}-0",
        "given_name": given,
        "surname": surname,
        "date_of_birth": dob,
        "email": email,
        "phone": phone,
        "address_line": street,
        "postcode": postcode,
        "city": rng.choice(CITIES),
        "country": "GB",
    }


def _damage(rng: random.Random, record: dict[str, str], copy: int) -> dict[str, str]:
    dup = dict(record, record_id=record["record_id"].rsplit("-", 1)[0] + f"-{copy}")
    kinds = [rng.randrange(13) for _ in range(rng.randint(1, 3))]
    # Dropping a field and writing the name as one "SURNAME, Given" field come
    # last: the other
    # damage needs the fields in place.
    for kind in sorted(set(kinds), key=lambda k: (k in (8, 9), k)):
        if kind == 0:
            dup["given_name"] = _typo(rng, dup["given_name"])
        elif kind == 1:
            dup["surname"] = _typo(rng, dup["surname"])
        elif kind == 2:
            dup["given_name"], dup["surname"] = dup["surname"], dup["given_name"]
        elif kind == 3:
            y, m, d = dup["date_of_birth"].split("-")
            dup["date_of_birth"] = (
                f"{d}/{m}/{y}"
                if rng.random() < 0.5
                else f"{y}-{d}-{m}"
                if int(d) <= 12
                else f"{y}{m}{d}"
            )
        elif kind == 4:
            local, _, domain = dup["email"].partition("@")
            dup["email"] = (
                f"{local.upper()}+bank@{domain.upper()}"
                if domain == "gmail.com"
                else dup["email"].upper()
            )
        elif kind == 5:
            dup["phone"] = "0" + dup["phone"][3:6] + " " + dup["phone"][6:]
        elif kind == 6:
            dup["address_line"] = (
                dup["address_line"]
                .replace("Street", "St")
                .replace("Road", "Rd")
                .upper()
            )
        elif kind == 7:
            dup["postcode"] = dup["postcode"].replace(" ", "").lower()
        elif kind == 8:
            field = rng.choice(("email", "phone", "address_line", "date_of_birth"))
            dup.pop(field, None)
        elif kind == 9:
            dup["name"] = f"{dup.pop('surname').upper()}, {dup.pop('given_name')}"
        elif kind == 11:
            # Moved house: a new address, postcode and city.
            moved = _person(rng, 0, [record["surname"]], [1.0])
            for field in ("address_line", "postcode", "city"):
                dup[field] = moved[field]
        elif kind == 12:
            dup["phone"] = f"+447{rng.randint(100000000, 999999999)}"
        else:
            mailbox = f"{record['given_name'].lower()}{rng.randint(1, 99)}"
            dup["email"] = f"{mailbox}@{rng.choice(PROVIDERS)}"
    return dup


def generate_customers(
    count: int, duplicate_share: float = 0.2, seed: int = 7
) -> Iterator[dict[str, str]]:
    """Yield `count` customer records; about `duplicate_share` are duplicates."""
    rng = random.Random(seed)
    surnames = _surnames(rng, max(2000, count // 20))
    # Zipf-like popularity, about as steep as British surnames: the most
    # common name is roughly 1 % of people, with a long tail.
    weights = list(
        itertools.accumulate(1.0 / (rank + 10) for rank in range(len(surnames)))
    )
    made = 0
    pid = 0
    while made < count:
        person = _person(rng, pid, surnames, weights)
        yield person
        made += 1
        copies = 0
        if rng.random() < duplicate_share / (1 - duplicate_share) / 1.6:
            copies = rng.choice((1, 1, 1, 2, 3))
        for copy in range(1, copies + 1):
            if made >= count:
                break
            yield _damage(rng, person, copy)
            made += 1
        pid += 1


def person_of(record_id: str) -> str:
    return record_id.rsplit("-", 1)[0]
