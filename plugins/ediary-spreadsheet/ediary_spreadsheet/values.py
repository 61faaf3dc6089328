"""The values of a class list's cells as the diary keeps them: dates written as 01.09.2015,
2015-09-01 or stored as Excel dates; SNILS checked by the core; phones in E.164 (the
`phonenumbers` library, Russian numbers by default); e-mail addresses."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import phonenumbers

from ediary.domain.identity import InvalidSnils, normalize_snils
from ediary_spreadsheet.headers import text_of
from ediary_spreadsheet.sheets import Cell

_DAY_FIRST = re.compile(r"^(\d{1,2})[./-](\d{1,2})[./-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# Day 0 of Excel's date numbers (with its 1900 leap-year bug, 1 March 1900 onwards).
_EXCEL_EPOCH = date(1899, 12, 30)
_OLDEST = date(1900, 3, 1)


class BadValue(ValueError):
    """A cell that cannot be read; the message says why, for the school to fix it."""


def as_date(cell: Cell) -> date | None:
    """A date cell, an Excel date number, or text like 01.09.2015 or 2015-09-01; None for an
    empty cell; `BadValue` otherwise."""
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        found = _EXCEL_EPOCH + timedelta(days=int(cell))
        if found < _OLDEST or found.year > 9999:
            raise BadValue(f"{cell!r} is not a date")
        return found
    text = text_of(cell)
    if not text:
        return None
    try:
        if day_first := _DAY_FIRST.match(text):
            day, month, year = (int(part) for part in day_first.groups())
            return date(year, month, day)
        if iso := _ISO.match(text):
            year, month, day = (int(part) for part in iso.groups())
            return date(year, month, day)
    except ValueError:
        raise BadValue(f"{text!r} is not a day of the calendar") from None
    raise BadValue(f"{text!r} is not a date like 01.09.2015")


def as_snils(cell: Cell) -> str | None:
    """The 11 digits of a SNILS; None for an empty cell; `BadValue` for a wrong number. A
    number cell lost its leading zeros: they are put back."""
    if isinstance(cell, int) and not isinstance(cell, bool):
        cell = f"{cell:011d}"
    text = text_of(cell)
    if not text:
        return None
    try:
        return normalize_snils(text)
    except InvalidSnils as problem:
        raise BadValue(f"{problem.message.rstrip('.')} ({text!r})") from None


def as_phone(cell: Cell) -> str | None:
    """The first phone number of the cell in E.164 (+79171234567); None for an empty cell;
    `BadValue` when the cell holds no valid number."""
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    text = text_of(cell)
    if not text:
        return None
    for match in phonenumbers.PhoneNumberMatcher(text, "RU"):
        if phonenumbers.is_valid_number(match.number):
            return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    raise BadValue(f"{text!r} is not a phone number")


def as_email(cell: Cell) -> str | None:
    """The e-mail address in lower case; None for an empty cell; `BadValue` otherwise."""
    text = text_of(cell)
    if not text:
        return None
    if not _EMAIL.match(text) or len(text) > 254:
        raise BadValue(f"{text!r} is not an e-mail address")
    return text.lower()
