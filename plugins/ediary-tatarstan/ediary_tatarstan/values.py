"""The values both the portal and the schools' exports write in their own ways: SNILS and
class names (read by the core's `ediary.domain.class_lists`). Each reader turns what it got
into one form, or says what is wrong with it."""

from __future__ import annotations

from ediary.domain.class_lists import InvalidClassName, parse_class_name
from ediary.domain.identity import InvalidSnils, normalize_snils


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
    try:
        return parse_class_name(value)
    except InvalidClassName as problem:
        raise BadValue(problem.message.rstrip(".")) from None
