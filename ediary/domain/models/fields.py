"""Field types the diary needs beyond Tortoise's own."""

from __future__ import annotations

from datetime import time
from typing import Any

from tortoise import fields


class ClockTimeField(fields.CharField):  # type: ignore[type-arg]
    """A wall-clock time such as a bell at 08:30, stored as "HH:MM" text.

    Tortoise's TimeField attaches a time zone and SQLite cannot bind it; a bell rings at the
    same local time whatever the zone, so text that sorts correctly is both simpler and right.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=5, **kwargs)

    def to_db_value(self, value: Any, instance: Any) -> str | None:
        if isinstance(value, time):
            return value.strftime("%H:%M")
        return None if value is None else str(value)

    def to_python_value(self, value: Any) -> time | None:
        if value is None or isinstance(value, time):
            return value
        return time.fromisoformat(str(value))
