"""The number of SQL statements a request costs does not grow with the size of a list."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from strawberry.relay import to_base64
from tortoise.transactions import in_transaction

from ediary.app import create_app
from ediary.config import Settings
from ediary.db import count_statements
from ediary.domain import models
from ediary.domain.enums import AttendanceKind, RemarkKind, WorkKind
from ediary.domain.journal.history import record_imported
from ediary.domain.weeks import IsoWeek
from tests.conftest import GraphQLClient
from tests.schema.diary_document import DIARY
from tests.world import World

SMALL_WEEK = IsoWeek(2026, 46)  # 5 lessons
BIG_WEEK = IsoWeek(2026, 47)  # 40 lessons

TIMETABLE = """
query($id: ID!, $week: Week!) {
  classTimetable(classId: $id, week: $week) {
    days { lessons { id topic bell { startsAt } subject { name } teacher { fullName }
                     homework { text attachments { filename } } schoolClass { name }
                     plannedWork { kind weight } } }
  }
}
"""

# Every field of the week, and the work announced for each lesson.
DIARY_WORK = DIARY.replace(
    "remarks { kind text }", "remarks { kind text }\n        plannedWork { kind weight topic }"
)

# The week a parent's app opens (bench/queries/w1_ediary.graphql): no remarks, no student.
WEEK_VIEW = """
query($student: ID!, $week: Week!) {
  diary(studentId: $student, week: $week) {
    days { lessons {
      lesson { period bell { startsAt } subject { name } teacher { shortName } topic }
      homework { text } marks { value } attendance { kind }
    } }
    termAverages { subject { name } average }
  }
}
"""

MARKS = """
query($student: ID!, $first: Int!) {
  marks(studentId: $student, first: $first) {
    totalCount
    edges {
      node { value subject { name } author { shortName } lesson { topic bell { startsAt } } }
    }
  }
}
"""


async def _fill(world: World, week: IsoWeek, count: int) -> None:
    school_class = world.objects["class_7a"]
    student = world.objects["student"]
    teacher = world.objects["math_teacher"]
    math = world.objects["math"]
    term = world.objects["term2_A"]
    for index in range(count):
        day = week.monday + timedelta(days=index % 5)
        lesson = await models.Lesson.create(
            school_class=school_class,
            subject=math,
            teacher=teacher,
            date=day,
            period=1 + index // 5,
            topic=f"Topic {index}",
        )
        homework = await models.Homework.create(
            lesson=lesson, text=f"Task {index}", due_on=day + timedelta(days=1), author=teacher
        )
        await models.HomeworkAttachment.create(
            homework=homework,
            filename="task.pdf",
            content_type="application/pdf",
            size=10,
            storage_key=f"key-{week}-{index}",
        )
        async with in_transaction() as conn:
            created = await models.Mark.create(
                student=student,
                lesson=lesson,
                school_class=school_class,
                subject=math,
                term=term,
                date=day,
                value=4,
                weight=1,
                kind=WorkKind.ORAL,
                author=teacher,
                using_db=conn,
            )
            await record_imported(conn, [created])
        await models.Attendance.create(
            lesson=lesson,
            date=lesson.date,
            student=student,
            kind=AttendanceKind.LATE,
            minutes_late=5,
            recorded_by=teacher,
        )
        await models.Remark.create(
            lesson=lesson,
            student=student,
            kind=RemarkKind.PREPARATION,
            text="No notebook",
            author=teacher,
        )
        await models.PlannedWork.create(
            lesson=lesson, kind=WorkKind.QUIZ, weight=2, topic=f"Quiz {index}", author=teacher
        )


@pytest.fixture(scope="module")
async def filled(world: World) -> World:
    await _fill(world, SMALL_WEEK, 5)
    await _fill(world, BIG_WEEK, 40)
    return world


async def _cost(
    gql: GraphQLClient, query: str, variables: dict[str, object], as_user: str = "parent"
) -> int:
    with count_statements() as count:
        result = await gql(query, variables, as_user=as_user)
    assert "errors" not in result, result
    return count.value


async def test_week_diary_costs_the_same_for_5_and_40_lessons(
    gql: GraphQLClient, filled: World
) -> None:
    student = to_base64("Student", filled.id("student"))
    # The first kept answer of a process asks PostgreSQL once whether the database keeps
    # students' versions (three statements, `dataversion`): not a cost of the week's size,
    # and paid before the measure whichever test runs first.
    await _cost(gql, DIARY, {"student": student, "week": str(SMALL_WEEK)}, as_user="student")
    small = await _cost(gql, DIARY, {"student": student, "week": str(SMALL_WEEK)})
    big = await _cost(gql, DIARY, {"student": student, "week": str(BIG_WEEK)})
    assert small == big
    # The work announced for each lesson comes in the week's statement too.
    announced = await _cost(gql, DIARY_WORK, {"student": student, "week": str(BIG_WEEK)})
    assert announced == big
    found = await gql(DIARY_WORK, {"student": student, "week": str(BIG_WEEK)}, as_user="parent")
    lessons = [e for day in found["data"]["diary"]["days"] for e in day["lessons"]]
    assert len(lessons) == 40
    assert all(
        [(w["kind"], w["weight"]) for w in e["plannedWork"]] == [("QUIZ", 2)] for e in lessons
    )
    # 2 for the week (placements with the term, then everything else), 1 for its remarks,
    # 1 for the student, 1 for charging the hourly query budget, 1 for the session with its
    # account and the account's ties (read by the response cache's check with the data
    # version, and reused by the view). It was 15 while the session and the viewer took 4
    # statements for a parent and the week 7.
    assert big <= 6, big


async def test_a_week_without_remarks_or_the_student_reads_neither(
    settings: Settings, filled: World
) -> None:
    # Without the response cache: a kept answer would cost nothing at all.
    app = create_app(dataclasses.replace(settings, response_cache_bytes=0), manage_database=False)
    gql = GraphQLClient(app, filled)
    student = to_base64("Student", filled.id("student"))
    full = await _cost(gql, DIARY, {"student": student, "week": str(BIG_WEEK)})
    # Without the cache's check the view reads the session and the viewer in one statement
    # itself, so the whole week costs as much as with it (it was 15, 4 of them the viewer's).
    assert full <= 12, full
    small = await _cost(gql, WEEK_VIEW, {"student": student, "week": str(SMALL_WEEK)})
    big = await _cost(gql, WEEK_VIEW, {"student": student, "week": str(BIG_WEEK)})
    assert small == big == full - 2
    # What W1 costs (bench/queries/w1_ediary.graphql): the week's 2, the budget's 1, and 4
    # for the session and the viewer.
    assert big <= 7, big


WEEK_FILES = """
query($student: ID!, $week: Week!) {
  diary(studentId: $student, week: $week) {
    days { date lessons { lesson { period } homework { text attachments { filename size } } } }
  }
}
"""


async def test_the_weeks_homework_comes_with_its_files_in_one_statement(
    settings: Settings, filled: World
) -> None:
    app = create_app(dataclasses.replace(settings, response_cache_bytes=0), manage_database=False)
    gql = GraphQLClient(app, filled)
    student = to_base64("Student", filled.id("student"))
    variables = {"student": student, "week": str(SMALL_WEEK)}
    without = await _cost(gql, WEEK_FILES.replace("attachments { filename size }", ""), variables)
    first = await models.Homework.get(
        lesson__school_class_id=filled.id("class_7a"), lesson__date=SMALL_WEEK.monday
    )
    await models.HomeworkAttachment.create(
        homework=first,
        filename="answers.pdf",
        content_type="application/pdf",
        size=20,
        storage_key=f"key-{SMALL_WEEK}-second",
    )
    assert await _cost(gql, WEEK_FILES, variables) == without
    result = await gql(WEEK_FILES, variables, as_user="parent")
    homework = [
        (day["date"], entry["homework"])
        for day in result["data"]["diary"]["days"]
        for entry in day["lessons"]
    ]
    task = {"filename": "task.pdf", "size": 10}
    assert homework == [
        (
            str(SMALL_WEEK.monday + timedelta(days=index)),
            [
                {
                    "text": f"Task {index}",
                    "attachments": [task, {"filename": "answers.pdf", "size": 20}]
                    if index == 0
                    else [task],
                }
            ],
        )
        for index in range(5)
    ]


async def test_the_weeks_lessons_come_with_their_bells(gql: GraphQLClient, filled: World) -> None:
    query = """
    query($student: ID!, $week: Week!) {
      diary(studentId: $student, week: $week) {
        days { lessons { lesson { period bell { number startsAt endsAt } } } }
      }
    }
    """
    student = to_base64("Student", filled.id("student"))
    result = await gql(query, {"student": student, "week": str(BIG_WEEK)}, as_user="parent")
    lessons = [e["lesson"] for d in result["data"]["diary"]["days"] for e in d["lessons"]]
    assert len(lessons) == 40
    for lesson in lessons:
        period = lesson["period"]
        # The world's schools ring periods 1 to 7, from 08:30 hourly; period 8 has no bell.
        expected = (
            {
                "number": period,
                "startsAt": f"{7 + period:02}:30:00",
                "endsAt": f"{8 + period:02}:15:00",
            }
            if period <= 7
            else None
        )
        assert lesson["bell"] == expected, lesson


async def test_class_timetable_costs_the_same_for_5_and_40_lessons(
    gql: GraphQLClient, filled: World
) -> None:
    class_id = to_base64("SchoolClass", filled.id("class_7a"))
    small = await _cost(gql, TIMETABLE, {"id": class_id, "week": str(SMALL_WEEK)})
    big = await _cost(gql, TIMETABLE, {"id": class_id, "week": str(BIG_WEEK)})
    assert small == big


async def test_marks_page_costs_the_same_for_5_and_40_marks(
    gql: GraphQLClient, filled: World
) -> None:
    student = to_base64("Student", filled.id("student"))
    small = await _cost(gql, MARKS, {"student": student, "first": 5})
    big = await _cost(gql, MARKS, {"student": student, "first": 40})
    assert small == big


def test_the_weeks_do_not_overlap_the_shared_world() -> None:
    # The role matrix and diary tests read week 48; these weeks must stay apart from it.
    assert BIG_WEEK.sunday < date(2026, 11, 23)


# W2 of the benchmark: a teacher opens the journal of one class and subject for a term.
W2 = (Path(__file__).parents[2] / "bench" / "queries" / "w2_ediary.graphql").read_text()


async def test_the_class_journal_costs_two_statements_beyond_the_viewer(
    settings: Settings, filled: World
) -> None:
    app = create_app(dataclasses.replace(settings, response_cache_bytes=0), manage_database=False)
    gql = GraphQLClient(app, filled)
    # What any request of the teacher costs: the session and viewer, and the budget's charge.
    viewer = await _cost(gql, "{ viewer { login } }", {}, as_user="math_teacher")
    variables = {
        "class": to_base64("SchoolClass", filled.id("class_7a")),
        "subject": to_base64("Subject", filled.id("math")),
        "term": to_base64("Term", filled.id("term2_A")),
    }
    # The filled weeks put 45 lessons with a mark and an absence each into this journal.
    assert await _cost(gql, W2, variables, as_user="math_teacher") == viewer + 2


HOMEWORK_DUE = """
query($student: ID!, $from: Date!, $to: Date!) {
  homeworkDue(studentId: $student, dueFrom: $from, dueTo: $to) {
    text attachments { filename } lesson { date period subject { name } teacher { shortName } }
  }
}
"""


def _uncached(settings: Settings, world: World) -> GraphQLClient:
    """A client of an app without the response cache: a kept answer would cost nothing."""
    app = create_app(dataclasses.replace(settings, response_cache_bytes=0), manage_database=False)
    return GraphQLClient(app, world)


async def test_homework_due_costs_the_same_for_5_and_45_items(
    settings: Settings, filled: World
) -> None:
    gql = _uncached(settings, filled)
    student = to_base64("Student", filled.id("student"))
    # The filled weeks' homework is due the day after each lesson.
    small = {"student": student, "from": str(SMALL_WEEK.monday), "to": str(SMALL_WEEK.sunday)}
    big = {**small, "to": str(BIG_WEEK.sunday)}
    found = await gql(HOMEWORK_DUE, big, as_user="parent")
    assert len(found["data"]["homeworkDue"]) == 45
    assert await _cost(gql, HOMEWORK_DUE, small) == await _cost(gql, HOMEWORK_DUE, big)


WEEK_MOMENTS = """
query($student: ID!, $week: Week!) {
  diary(studentId: $student, week: $week) {
    days { lessons {
      lesson { startsAt endsAt }
      homework { lesson { date subject { name } } }
      attendance { kind lesson { date period } }
    } }
  }
}
"""


async def test_lesson_moments_and_the_lessons_of_homework_and_attendance_cost_no_more_per_lesson(
    settings: Settings, filled: World
) -> None:
    gql = _uncached(settings, filled)
    student = to_base64("Student", filled.id("student"))
    small = await _cost(gql, WEEK_MOMENTS, {"student": student, "week": str(SMALL_WEEK)})
    big = await _cost(gql, WEEK_MOMENTS, {"student": student, "week": str(BIG_WEEK)})
    assert small == big


CHILDREN_TEACHERS = """
{ viewer { children { subjectTeachers { subject { name } teacher { shortName } } } } }
"""


async def test_the_childrens_teachers_cost_the_same_for_one_child_and_two(
    settings: Settings, filled: World
) -> None:
    gql = _uncached(settings, filled)
    # The parent has one child; the other parent two, in two schools.
    one = await _cost(gql, CHILDREN_TEACHERS, {}, as_user="parent")
    two = await _cost(gql, CHILDREN_TEACHERS, {}, as_user="other_parent")
    assert one == two


TIMETABLE_NOTICES = """
query($id: ID!, $week: Week!) {
  classTimetable(classId: $id, week: $week) {
    days { lessons { id absenceNotices { from to student { fullName } } } }
  }
}
"""


async def test_absence_notices_cost_the_same_for_5_and_40_lessons(
    settings: Settings, filled: World
) -> None:
    gql = _uncached(settings, filled)
    # Announced for every day of both weeks, so each lesson has one to show.
    await models.AbsenceNotice.create(
        student=filled.objects["student"],
        parent=filled.users["parent"],
        first_day=SMALL_WEEK.monday,
        last_day=BIG_WEEK.sunday,
    )
    class_id = to_base64("SchoolClass", filled.id("class_7a"))
    small = {"id": class_id, "week": str(SMALL_WEEK)}
    big = {"id": class_id, "week": str(BIG_WEEK)}
    found = await gql(TIMETABLE_NOTICES, big, as_user="class_teacher")
    lessons = [entry for day in found["data"]["classTimetable"]["days"] for entry in day["lessons"]]
    assert len(lessons) == 40
    assert all(len(lesson["absenceNotices"]) == 1 for lesson in lessons)
    cost = await _cost(gql, TIMETABLE_NOTICES, small, "class_teacher")
    assert cost == await _cost(gql, TIMETABLE_NOTICES, big, "class_teacher")
