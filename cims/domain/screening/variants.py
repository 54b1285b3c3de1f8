"""Romanisation variants of common names, folded to one spelling for matching.

The same Arabic, Persian or Russian name reaches a bank in many Latin
spellings. Each row below lists the spellings we treat as one name; the first
is the canonical spelling the matcher compares. The table is deliberately
small and limited to names that are both frequent on sanctions lists and
spelled many ways; rarer variants are left to the generic phonetic key and to
the string metrics.
"""

from __future__ import annotations

# fmt: off
_VARIANT_ROWS: tuple[tuple[str, ...], ...] = (
    # Arabic
    ("muhammad", "mohammed", "mohammad", "mohamed", "mohamad", "muhammed",
     "muhamad", "muhamed", "mohammet", "mohd", "mohamud", "mohummad", "mouhamed",
     "mouhammad", "mehmet", "mehmed", "mahomed", "muhamet"),
    ("abd", "abdel", "abdul", "abdal", "abdol", "abdu", "abdoul", "abdelal"),
    ("abdullah", "abdallah", "abdulla", "abdalla", "abdellah", "abdollah"),
    ("ahmad", "ahmed", "ahmet", "achmad", "akhmed", "ahmat"),
    ("mahmud", "mahmoud", "mahmood", "mehmood", "mahmut"),
    ("husayn", "hussein", "hussain", "husain", "husein", "hossein", "hosein",
     "houssein", "hussien", "huseyin"),
    ("hasan", "hassan", "hasen", "hassen", "hacen"),
    ("yusuf", "youssef", "yousef", "yusef", "yousuf", "yousif", "yusif", "youcef",
     "yussuf", "jusuf", "yousof"),
    ("umar", "omar", "omer", "ummar"),
    ("uthman", "othman", "osman", "usman", "othmane", "osmane"),
    ("usama", "osama", "usamah", "osamah"),
    ("said", "saeed", "saiid", "sayed", "sayid", "saied"),
    ("sayyid", "sayyed", "seyed", "seyyed", "sayeed", "syed"),
    ("khalid", "khaled", "halid", "khaleed"),
    ("ibrahim", "ebrahim", "ibraheem", "brahim", "ibrahem"),
    ("ismail", "ismael", "esmail", "ismayil"),
    ("mustafa", "mostafa", "moustafa", "mustapha", "mostapha"),
    ("abu", "abou", "abo"),
    ("rahman", "rahmane", "rehman", "rahmaan"),
    ("aziz", "azeez", "aziiz"),
    ("ali", "aly", "alee"),
    ("salih", "saleh", "saleah"),
    ("yahya", "yahia", "yehia", "yahiya"),
    ("jamal", "gamal", "djamal", "jamaal"),
    ("qadir", "kadir", "qader", "kader", "ghadir"),
    ("qasim", "kasim", "qassem", "kassem", "qasem", "kasem"),
    ("walid", "waleed", "oualid"),
    ("faisal", "faysal", "feisal", "faycal"),
    ("hamid", "hamed", "hameed"),
    ("mahdi", "mehdi", "mahdy"),
    ("nasir", "nasser", "naser", "nassir"),
    ("jafar", "jaafar", "djafar", "jaffar"),
    ("zayd", "zaid", "zeid", "zayed"),
    # Russian, Ukrainian, Belarusian
    ("aleksandr", "alexander", "alexandr", "aleksander", "alexandre",
     "oleksandr", "aliaksandr", "alyaksandr"),
    ("aleksey", "alexey", "alexei", "aleksei", "aleksej", "oleksiy"),
    ("sergey", "sergei", "serguei", "sergej", "serhiy", "serhii", "siarhei"),
    ("yevgeniy", "evgeny", "evgeniy", "yevgeny", "evgenii", "yevgeni", "eugene",
     "evgenij"),
    ("yuriy", "yuri", "yury", "iurii", "jurij", "yurii"),
    ("dmitriy", "dmitry", "dmitri", "dmitrii", "dmytro", "dimitri"),
    ("andrey", "andrei", "andrej", "andriy", "andrii"),
    ("nikolay", "nikolai", "nicolai", "mykola", "nikolaj"),
    ("mikhail", "michail", "mikhael", "mykhailo", "mikhaylo"),
    ("viktor", "victor", "wiktor"),
    ("vladimir", "volodymyr", "uladzimir", "wladimir"),
    ("yelena", "elena", "jelena", "olena", "alena"),
    ("natalya", "natalia", "nataliya", "natalja"),
    ("tatyana", "tatiana", "tatiyana", "tetiana", "tatjana"),
    ("arkadiy", "arkady", "arkadi", "arkadii"),
    ("valeriy", "valery", "valeri", "valerii"),
    ("anatoliy", "anatoly", "anatoli", "anatolii"),
    ("gennadiy", "gennady", "gennadi", "gennadii"),
    ("vitaliy", "vitaly", "vitali", "vitalii"),
    ("grigoriy", "grigory", "grigori", "hryhoriy"),
    ("pyotr", "petr", "piotr", "petro"),
    ("fyodor", "fedor", "fiodor", "fedir"),
    ("igor", "ihor"),
    ("oleg", "oleh"),
)

# fmt: on
VARIANTS: dict[str, str] = {
    spelling: row[0] for row in _VARIANT_ROWS for spelling in row
}


def canonical_spelling(token: str) -> str:
    """The canonical spelling of a folded name token, or the token itself."""
    return VARIANTS.get(token, token)
