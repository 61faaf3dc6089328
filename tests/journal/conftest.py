"""A class of its own for the journal's tests, so that what they write does not change what
the read tests of the shared world expect: 8A of school A, taught mathematics by the
world's mathematics teacher, with three students and their parents, lessons in week 47."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.enums import Role
from tests.builders import member
from tests.world import World

WEEK47_MONDAY = date(2026, 11, 16)


@dataclass
class Class8:
    world: World
    ids: dict[str, int] = field(default_factory=dict)

    def gid(self, kind: str, name: str) -> str:
        return to_base64(kind, self.ids[name])

    def token(self, name: str) -> str:
        return self.world.tokens[name]


@pytest.fixture(scope="session")
async def class8(world: World) -> Class8:
    found = Class8(world)
    school = world.objects["school_A"]
    year = world.objects["year_A"]
    teacher = world.users["math_teacher"]
    school_class = await models.SchoolClass.create(
        school=school, academic_year=year, grade=8, letter="A"
    )
    physics = await models.Subject.create(school=school, name="Physics", short_name="Phys")
    math = world.objects["math"]
    await models.TeachingAssignment.create(teacher=teacher, school_class=school_class, subject=math)
    await models.TeachingAssignment.create(
        teacher=world.users["russian_teacher"], school_class=school_class, subject=physics
    )
    found.ids.update(class8=school_class.id, physics=physics.id, math=math.id)
    for name in ("anna", "boris", "vera"):
        student = await member(world, f"s8_{name}", Role.STUDENT)
        await models.Enrollment.create(
            student=student, school_class=school_class, starts_on=date(2026, 9, 1)
        )
        found.ids[f"s8_{name}"] = student.id
    parents = {
        "s8_anna": ("p8_anna", {"email": "anna.mother@example.org", "phone": "+79990000001"}),
        "s8_boris": ("p8_boris", {"email": "boris.father@example.org"}),
    }
    for child, (name, contacts) in parents.items():
        parent = await member(world, name, Role.PARENT, **contacts)
        await models.Guardianship.create(parent=parent, student_id=found.ids[child])
        found.ids[name] = parent.id
    for day in range(5):
        for period, subject, who in (
            (1, math, teacher),
            (2, physics, world.users["russian_teacher"]),
        ):
            lesson = await models.Lesson.create(
                school_class=school_class,
                subject=subject,
                teacher=who,
                date=WEEK47_MONDAY + timedelta(days=day),
                period=period,
                room="101",
            )
            found.ids[f"{subject.short_name.lower()}{day}"] = lesson.id
    # A lesson of the first term, which is closed by now.
    old = await models.Lesson.create(
        school_class=school_class, subject=math, teacher=teacher, date=date(2026, 10, 5), period=1
    )
    found.ids["math_term1"] = old.id
    future = await models.Lesson.create(
        school_class=school_class, subject=math, teacher=teacher, date=date(2026, 12, 7), period=1
    )
    found.ids["math_future"] = future.id
    return found
