"""Schools' time zones: bell times and school days are local to the school."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Where a school's zone is missing or unknown to this system's time zone database.
FALLBACK = "Europe/Moscow"


def zone(name: str) -> ZoneInfo:
    """The IANA zone of this name; Moscow's for a name this system does not know."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(FALLBACK)


def local_moment(day: date, clock: time, where: ZoneInfo) -> datetime:
    """A school's clock time on a day, as a moment with that day's offset (summer time
    included, where the zone has it)."""
    return datetime.combine(day, clock.replace(tzinfo=None), where)
