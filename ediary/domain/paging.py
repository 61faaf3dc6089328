"""Keyset pages for Relay connections: opaque cursors over (moment, id), newest first."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from tortoise.expressions import Q

from ediary.domain.errors import InvalidInput
from ediary.domain.keys import parse_key

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list, each item with its cursor, and the size of the whole list."""

    items: list[T]
    cursors: list[str]
    has_next: bool
    total: int


def check_first(first: int, limit: int) -> None:
    """`first` within 1 and the server's page limit."""
    if not 1 <= first <= limit:
        raise InvalidInput(f"`first` must be between 1 and {limit}.", field="first")


def encode(*parts: object) -> str:
    return base64.urlsafe_b64encode("|".join(str(p) for p in parts).encode()).decode()


def decode(cursor: str, count: int) -> list[str]:
    """The parts of a cursor this API gave out; InvalidInput for anything else."""
    try:
        parts = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        parts = []
    if len(parts) != count:
        raise InvalidInput("The cursor is not one this API gave out.", field="after")
    return parts


def _key(text: str) -> int:
    """A row ID from a cursor; a number no key column holds is no cursor we gave out."""
    key = parse_key(text)
    if key is None:
        raise InvalidInput("The cursor is not one this API gave out.", field="after")
    return key


def moment_cursor(moment: datetime, key: int) -> str:
    return encode(moment.isoformat(), key)


def before_cursor(cursor: str, field: str) -> Q:
    """Rows after this cursor in newest-first order on (`field`, id)."""
    moment, key = decode(cursor, 2)
    try:
        at = datetime.fromisoformat(moment)
    except ValueError:
        raise InvalidInput("The cursor is not one this API gave out.", field="after") from None
    number = _key(key)
    earlier: dict[str, Any] = {f"{field}__lt": at}
    same: dict[str, Any] = {field: at, "id__lt": number}
    return Q(**earlier) | Q(**same)


def id_pair_cursor(first: int, second: int) -> str:
    return encode(first, second)


def after_pair(cursor: str) -> tuple[int, int]:
    first, second = decode(cursor, 2)
    return _key(first), _key(second)


def id_cursor(key: int) -> str:
    """A cursor for lists ordered by id alone."""
    return encode("id", key)


def after_id(cursor: str) -> int:
    """The id of a cursor from `id_cursor`; InvalidInput for anything else."""
    tag, key = decode(cursor, 2)
    if tag != "id":
        raise InvalidInput("The cursor is not one this API gave out.", field="after")
    return _key(key)
