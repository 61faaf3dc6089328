"""Adversarial pass, gaps of "grants follow time" (low-medium and low): former members kept
the class and the school.

The viewer's classes and schools were counted from every enrollment, past ones included, and
from the bare parent or student grant at a school. A student moved from class X to class Y,
and their parent, kept reading X's timetable, X's class news and meetings, the teachers of X
by node and the files of X's homework; a parent whose guardianship ended kept the school's
news, subjects and terms through the grant left behind. Class- and school-level things now
follow enrollments that have not ended on the school's today; the child's own diary of the
period in X (its lessons, their homework and teachers) stays the family's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette
from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.enums import Audience, Role
from ediary.domain.weeks import IsoWeek
from tests import builders
from tests.conftest import TODAY, GraphQLClient
from tests.world import World

TERMS = [
    (TODAY - timedelta(days=85), TODAY - timedelta(days=32)),
    (TODAY - timedelta(days=22), TODAY + timedelta(days=33)),
]
IN_X = TODAY - timedelta(days=14)
LAST_DAY_IN_X = TODAY - timedelta(days=7)
IN_Y = TODAY - timedelta(days=2)
FAMILY = ("fm-student", "fm-parent")
PDF = b"%PDF-1.4\n%%EOF\n"


@dataclass
class Moved:
    """Global IDs of what the tests ask about."""

    ids: dict[str, str]
    attachment: int


def _week(day: Any) -> str:
    return str(IsoWeek(*day.isocalendar()[:2]))


async def _news(built: builders.School, title: str, **fields: Any) -> models.Announcement:
    assert built.teacher is not None
    return await models.Announcement.create(
        **{
            "audience": Audience.CLASS,
            "school": built.school,
            "author": built.teacher,
            "title": title,
            "text": title,
            "published_at": datetime.now(UTC) - timedelta(days=1),
            **fields,
        }
    )


async def _meeting(built: builders.School, title: str, school_class: models.SchoolClass) -> None:
    assert built.teacher is not None
    starts = datetime.now(UTC) + timedelta(days=3)
    await models.Meeting.create(
        audience=Audience.CLASS,
        school=built.school,
        school_class=school_class,
        author=built.teacher,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        agenda="Agenda",
    )


@pytest.fixture(scope="module")
async def moved(world: World, app: Starlette) -> Moved:
    built = await builders.school("FM", "r-fm", TERMS)
    x = await builders.school_class(built, "5X")
    y = await builders.school_class(built, "5Y")
    pupil = await builders.student(world, built, x, "fm-student", "Moved", "Kid")
    await models.Enrollment.filter(student=pupil).update(ends_on=LAST_DAY_IN_X)
    await models.Enrollment.create(
        student=pupil, school_class=y, starts_on=LAST_DAY_IN_X + timedelta(days=1)
    )
    parent = await builders.person(
        world, "fm-parent", "Parent", "Moved", (Role.PARENT, built.school, None)
    )
    await models.Guardianship.create(parent=parent, student=pupil)
    # A teacher of X only, who taught the child there.
    x_only = await builders.person(
        world, "fm-x-teacher", "Only", "Xavier", (Role.TEACHER, built.school, None)
    )
    maths = built.subjects["Mathematics"]
    await models.TeachingAssignment.create(teacher=x_only, school_class=x, subject=maths)
    lesson = await models.Lesson.create(
        school_class=x, subject=maths, teacher=x_only, date=IN_X, period=2
    )
    homework = await models.Homework.create(
        lesson=lesson, text="Exercises 1-5", due_on=IN_X, author=x_only
    )
    attachment = await models.HomeworkAttachment.create(
        homework=homework,
        filename="exercises.pdf",
        content_type="application/pdf",
        size=len(PDF),
        storage_key=await app.state.runtime.storage.save(PDF),
    )
    await builders.lesson(built, y, "Mathematics", IN_Y)
    await _news(built, "News of X", school_class=x)
    await _news(built, "News of Y", school_class=y)
    await _news(built, "School news", audience=Audience.SCHOOL)
    await _meeting(built, "Meeting of X", x)
    await _meeting(built, "Meeting of Y", y)

    # A parent whose guardianship ended: the parent grant at the school stays behind.
    other = await builders.student(world, built, y, "fm-other-child", "Other", "Child")
    former = await builders.person(
        world, "fm-former-parent", "Former", "Parent", (Role.PARENT, built.school, None)
    )
    await models.Guardianship.create(parent=former, student=other)
    await models.Guardianship.filter(parent=former).delete()

    assert built.teacher is not None
    ids = {
        "x": to_base64("SchoolClass", x.id),
        "y": to_base64("SchoolClass", y.id),
        "student": to_base64("Student", pupil.id),
        "x_only": to_base64("Teacher", x_only.id),
        "both": to_base64("Teacher", built.teacher.id),
        "subject": to_base64("Subject", maths.id),
        "term": to_base64("Term", built.terms[1].id),
    }
    return Moved(ids, attachment.id)


def _code(answer: dict[str, Any]) -> str | None:
    errors = answer.get("errors") or []
    return errors[0]["extensions"]["code"] if errors else None


TIMETABLE = "query($c: ID!, $w: Week!) { classTimetable(classId: $c, week: $w) { week } }"
NEWS = "{ announcements(first: 50) { edges { node { title } } } }"
MEETINGS = "{ meetings(first: 50) { edges { node { title } } } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
DIARY = """
query($s: ID!, $w: Week!) {
  diary(studentId: $s, week: $w) {
    days { lessons { lesson { teacher { fullName } homework { text attachments { id } } } } }
  }
}
"""


@pytest.mark.parametrize("who", FAMILY)
async def test_the_class_left_is_closed(gql: GraphQLClient, moved: Moved, who: str) -> None:
    ids = moved.ids
    left = await gql(TIMETABLE, {"c": ids["x"], "w": _week(IN_X)}, as_user=who)
    assert _code(left) == "NOT_FOUND"
    now = await gql(TIMETABLE, {"c": ids["y"], "w": _week(IN_Y)}, as_user=who)
    assert _code(now) is None, now

    news = await gql(NEWS, as_user=who)
    titles = {e["node"]["title"] for e in news["data"]["announcements"]["edges"]}
    assert {"News of Y", "School news"} <= titles
    assert "News of X" not in titles

    meetings = await gql(MEETINGS, as_user=who)
    titles = {e["node"]["title"] for e in meetings["data"]["meetings"]["edges"]}
    assert "Meeting of Y" in titles
    assert "Meeting of X" not in titles

    # A teacher of X only is no longer the family's to look up; one who teaches Y too is.
    assert _code(await gql(NODE, {"id": ids["x_only"]}, as_user=who)) == "NOT_FOUND"
    assert _code(await gql(NODE, {"id": ids["both"]}, as_user=who)) is None


@pytest.mark.parametrize("who", FAMILY)
async def test_the_childs_own_past_stays(
    gql: GraphQLClient, app: Starlette, world: World, moved: Moved, who: str
) -> None:
    answer = await gql(DIARY, {"s": moved.ids["student"], "w": _week(IN_X)}, as_user=who)
    assert _code(answer) is None, answer
    lessons = [
        entry["lesson"] for day in answer["data"]["diary"]["days"] for entry in day["lessons"]
    ]
    assert [lesson["teacher"]["fullName"] for lesson in lessons] == ["Only Xavier"]
    assert [h["text"] for h in lessons[0]["homework"]] == ["Exercises 1-5"]
    # The file of the child's own homework in X still downloads.
    async with gql.http() as client:
        response = await client.get(
            f"/attachments/{moved.attachment}",
            headers={"Authorization": f"Bearer {world.tokens[who]}"},
        )
    assert response.status_code == 200
    assert response.content == PDF


async def test_a_former_parent_keeps_no_school(gql: GraphQLClient, moved: Moved) -> None:
    who = "fm-former-parent"
    news = await gql(NEWS, as_user=who)
    assert news["data"]["announcements"]["edges"] == []
    viewer = await gql("{ viewer { schools { id } } }", as_user=who)
    assert viewer["data"]["viewer"]["schools"] == []
    for key in ("subject", "term"):
        assert _code(await gql(NODE, {"id": moved.ids[key]}, as_user=who)) == "NOT_FOUND"
    # The school's children, classes and people are as closed to them as to a stranger.
    assert _code(await gql(NODE, {"id": moved.ids["both"]}, as_user=who)) == "NOT_FOUND"
