"""ISO 8601 weeks ("2026-W48"): the unit a family opens the diary by."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from ediary.domain.errors import InvalidInput

_WEEK = re.compile(r"^(\d{4})-W(\d{2})$")
# A diary covers school years of living people; far outside that, the dates around a week
# (its neighbours, the terms and years it falls in) would leave Python's calendar.
FIRST_YEAR = 1900
LAST_YEAR = 2200


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    @classmethod
    def parse(cls, text: str) -> IsoWeek:
        match = _WEEK.match(text.strip())
        if not match:
            raise InvalidInput(f'"{text}" is not a week: write it as 2026-W48.', field="week")
        year, week = int(match[1]), int(match[2])
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise InvalidInput(
                f"The year {year} is out of range: weeks from {FIRST_YEAR} to {LAST_YEAR} "
                "are accepted.",
                field="week",
            )
        try:
            date.fromisocalendar(year, week, 1)
        except ValueError:
            raise InvalidInput(f"{year} has no week {week}.", field="week") from None
        return cls(year, week)

    @classmethod
    def containing(cls, day: date) -> IsoWeek:
        iso = day.isocalendar()
        return cls(iso.year, iso.week)

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=i) for i in range(7)]

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"
