"""The values both the portal and the schools' exports write in their own ways: SNILS and
class names. Each reader turns what it got into one form, or says what is wrong with it."""

from __future__ import annotations

import re

# SNILS: 11 digits; the last two check the first nine, weighted 9 down to 1. Sums of 100 and
# 101 check as 00 and larger sums are taken modulo 101 first. Numbers up to 001-001-998 were
# issued before the check existed.
_SNILS_SEPARATORS = re.compile(r"[\s\-‐‑–—]")
_LAST_UNCHECKED = 1_001_998

# A grade of 1 to 11 and at most one letter, however the school wrote it: 5А, 5а, 5 "А",
# 5 «А», 5-А, 5/А, 5 А.
_CLASS = re.compile(r"^(\d{1,2})\s*[-/]?\s*[\"'«“„]?\s*([^\W\d_]?)\s*[\"'»”“]?$")
# Latin letters that look Cyrillic: spreadsheets typed on an English layout carry them.
_LOOKALIKES = str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")


class BadValue(ValueError):
    """A value that cannot be read; the message says why, for a person to fix it."""


def snils_check(first_nine: str) -> int:
    """The two check digits of a SNILS's first nine digits, as a number."""
    total = sum(int(digit) * (9 - place) for place, digit in enumerate(first_nine))
    while total > 101:
        total %= 101
    return 0 if total in (100, 101) else total


def snils(value: str) -> str:
    """The 11 digits of a SNILS written with or without dashes and spaces."""
    digits = _SNILS_SEPARATORS.sub("", value)
    if len(digits) != 11 or not digits.isdigit():
        raise BadValue(f"a SNILS has 11 digits, got {value!r}")
    if int(digits[:9]) > _LAST_UNCHECKED and snils_check(digits[:9]) != int(digits[9:]):
        raise BadValue(f"the check digits of SNILS {value!r} do not match: check the number")
    return digits


def class_name(value: str) -> tuple[int, str]:
    """The grade (1 to 11) and the letter (upper case, may be empty) of a class name."""
    found = _CLASS.match(value.strip().upper().translate(_LOOKALIKES))
    if found is None:
        raise BadValue(f"a class is a grade and a letter, such as 5А, got {value!r}")
    grade, letter = int(found.group(1)), found.group(2).replace("Ё", "Е")
    if not 1 <= grade <= 11:
        raise BadValue(f"the grade of class {value!r} is not between 1 and 11")
    if letter and not "А" <= letter <= "Я":
        raise BadValue(f"the letter of class {value!r} is not a Russian letter")
    return grade, letter
