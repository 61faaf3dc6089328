"""The values both the portal and the schools' exports write in their own ways: SNILS and
class names. Each reader turns what it got into one form, or says what is wrong with it."""

from __future__ import annotations

import re

from ediary.domain.identity import InvalidSnils, normalize_snils

# A grade of 1 to 11 and at most one letter, however the school wrote it: 5А, 5а, 5 "А",
# 5 «А», 5-А, 5/А, 5 А.
_CLASS = re.compile(r"^(\d{1,2})\s*[-/]?\s*[\"'«“„]?\s*([^\W\d_]?)\s*[\"'»”“]?$")
# Latin letters that look Cyrillic: spreadsheets typed on an English layout carry them.
_LOOKALIKES = str.maketrans("ABEKMHOPCTXY", "АВЕКМНОРСТХУ")


class BadValue(ValueError):
    """A value that cannot be read; the message says why, for a person to fix it."""


def snils(value: str) -> str:
    """The 11 digits of a SNILS written with or without dashes and spaces."""
    try:
        return normalize_snils(value)
    except InvalidSnils as problem:
        raise BadValue(f"{problem.message.rstrip('.')} ({value!r})") from None


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
