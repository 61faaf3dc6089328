"""Custom scalars, mapped onto domain types through the schema's scalar map."""

from __future__ import annotations

import strawberry
from strawberry.types.scalar import ScalarDefinition

from ediary.domain.errors import InvalidInput
from ediary.domain.weeks import FIRST_YEAR, LAST_YEAR, IsoWeek


def _parse_week(value: object) -> IsoWeek:
    if not isinstance(value, str):
        raise InvalidInput('A week is a string such as "2026-W48".', field="week")
    return IsoWeek.parse(value)


WEEK = strawberry.scalar(
    name="Week",
    description=f'An ISO 8601 week, written as "2026-W48"; weeks start on Monday. Years from '
    f"{FIRST_YEAR} to {LAST_YEAR}.",
    specified_by_url="https://en.wikipedia.org/wiki/ISO_week_date",
    serialize=str,
    parse_value=_parse_week,
)

SCALAR_MAP: dict[object, ScalarDefinition] = {IsoWeek: WEEK}
