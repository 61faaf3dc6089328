"""Tests for ediary.domain.placements: which enrollments count as "enrolled then"."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest

from ediary.domain import models
from ediary.domain.placements import classes_on, enrolled_over
from tests.world import World

DAY = date(2026, 11, 25)


@pytest.fixture
async def spans(world: World) -> AsyncIterator[dict[str, int]]:
    """One enrollment per way of lying around DAY, in a class of its own, removed after."""
    school_class = await models.SchoolClass.create(
        school_id=world.id("school_A"),
        academic_year_id=world.id("year_A"),
        grade=9,
        letter="Z",
    )
    student = world.users["student"]
    kinds = {
        "open": (date(2026, 9, 1), None),
        "closed around": (date(2026, 9, 1), date(2026, 12, 31)),
        "ends that day": (date(2026, 9, 1), DAY),
        "starts that day": (DAY, None),
        "ended before": (date(2026, 9, 1), date(2026, 11, 24)),
        "starts after": (date(2026, 11, 26), None),
    }
    ids = {}
    for name, (starts_on, ends_on) in kinds.items():
        row = await models.Enrollment.create(
            student=student, school_class=school_class, starts_on=starts_on, ends_on=ends_on
        )
        ids[name] = row.id
    yield ids
    await models.Enrollment.filter(school_class=school_class).delete()
    await school_class.delete()


async def _found(spans: dict[str, int], first: date, last: date | None = None) -> set[str]:
    names = {id_: name for name, id_ in spans.items()}
    rows = await models.Enrollment.filter(enrolled_over(first, last), id__in=list(names))
    return {names[row.id] for row in rows}


async def test_enrolled_on_a_day_counts_both_ends_of_an_enrollment(
    spans: dict[str, int],
) -> None:
    assert await _found(spans, DAY) == {
        "open",
        "closed around",
        "ends that day",
        "starts that day",
    }


async def test_enrolled_over_a_period_is_any_overlap(spans: dict[str, int]) -> None:
    assert await _found(spans, date(2026, 11, 24), date(2026, 11, 26)) == set(spans)
    assert await _found(spans, date(2026, 8, 1), date(2026, 8, 31)) == set()


async def test_classes_on_a_day(world: World) -> None:
    students = [world.id("student"), world.id("other_school_student")]
    found = await classes_on(students, DAY)
    assert {student: found_class.id for student, found_class in found.items()} == {
        world.id("student"): world.id("class_7a"),
        world.id("other_school_student"): world.id("class_5a"),
    }
    assert await classes_on(students, date(2026, 8, 31)) == {}


def test_enrolled_then_is_spelled_in_one_place() -> None:
    # An open-ended enrollment's test, written again elsewhere, is how "enrolled then" drifts.
    spelled = re.compile(r"ends_on__isnull=True\)\s*\|\s*Q\(\w*ends_on__gte")
    root = Path(__file__).resolve().parents[2]
    found = [
        str(path.relative_to(root))
        for folder in ("ediary", "plugins")
        for path in (root / folder).rglob("*.py")
        if spelled.search(path.read_text(encoding="utf-8"))
    ]
    assert found == ["ediary/domain/placements.py"]
