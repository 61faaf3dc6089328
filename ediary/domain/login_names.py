"""Readable logins made from people's names: "ivanova.mariya", with Cyrillic written in
Latin letters the way Russian passports do (ICAO Doc 9303, as adopted in 2013), so that a
family types on any keyboard what the sheet shows.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

__all__ = ["base_login", "transliterate", "unique_login"]

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e", "ю": "iu",
    "я": "ia", "і": "i", "ї": "i", "є": "ie", "ґ": "g",
}  # fmt: skip

# Long enough for a double-barrelled name, short enough to copy from paper.
_PART_LENGTH = 24
_NOT_LOGIN = re.compile(r"[^a-z0-9]+")


def transliterate(text: str) -> str:
    """Lower-case Latin letters and digits for `text`; anything else becomes a dash."""
    out = []
    for char in text.casefold():
        if char in _CYRILLIC:
            out.append(_CYRILLIC[char])
        else:
            # Latin letters with accents lose them; other scripts drop out.
            decomposed = unicodedata.normalize("NFKD", char)
            out.append("".join(c for c in decomposed if c.isascii()))
    return _NOT_LOGIN.sub("-", "".join(out)).strip("-")


def base_login(last_name: str, first_name: str, fallback: str = "user") -> str:
    """The login a person would get if nobody else had it: "lastname.firstname"."""
    parts = [transliterate(part)[:_PART_LENGTH].strip("-") for part in (last_name, first_name)]
    found = ".".join(part for part in parts if part)
    return found or fallback


def unique_login(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base` with the smallest number from 2 that makes it unused."""
    used = set(taken)
    if base not in used:
        return base
    number = 2
    while f"{base}{number}" in used:
        number += 1
    return f"{base}{number}"
