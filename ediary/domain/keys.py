"""Keys from outside: the row IDs inside global IDs and cursors, and text looked up in a
column. Both are checked against what the column can hold before any query, so an odd value
is simply an unknown row (NotFound) instead of a database error."""

from __future__ import annotations

from typing import Any

from tortoise.fields import CharField

# Primary keys are Tortoise IntFields: "integer" on PostgreSQL, a signed 32-bit column.
# SQLite would take up to 2**63 - 1, but one range for both keeps the answers identical.
MAX_KEY = 2**31 - 1
_MAX_DIGITS = len(str(MAX_KEY))


def parse_key(text: str) -> int | None:
    """The row ID written in `text` (plain ASCII digits, 1 to MAX_KEY), or None.

    Length is checked before `int()`: Python refuses to convert strings of more than 4300
    digits, and other Unicode digits ("²", "٣") pass `isdigit()` but are no ID we gave out.
    """
    if not text.isascii() or not text.isdigit() or len(text) > _MAX_DIGITS:
        return None
    key = int(text)
    return key if 1 <= key <= MAX_KEY else None


def fits_column(model: Any, field: str, value: str) -> bool:
    """Whether `value` can be stored in the model's text column at all. Tortoise refuses to
    filter by a longer value than the column takes, and no row could match it anyway."""
    column = model._meta.fields_map[field]
    return not isinstance(column, CharField) or len(value) <= column.max_length
