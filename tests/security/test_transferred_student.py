"""Finding 6: after a student moves to another school, the old school reads nothing new.

A student made for this test studies at school A until a Tuesday and at school B from the
Wednesday. Both schools write marks, attendance, remarks and final marks. Every read target
shows A's administration and class teacher only what is dated inside the enrollment at A,
B's staff only what is dated inside the enrollment at B, and the family everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from icalendar import Calendar
from strawberry.relay import to_base64
from tortoise.transactions import in_transaction

from ediary.domain import models
from ediary.domain.enums import AttendanceKind, RemarkKind, Role
from ediary.domain.journal.history import record_imported
from ediary.domain.weeks import IsoWeek
from tests import builders
from tests.conftest import GraphQLClient
from tests.world import World

TODAY = date.today()
TERMS = [
    (TODAY - timedelta(days=100), TODAY - timedelta(days=60)),
    (TODAY - timedelta(days=55), TODAY + timedelta(days=30)),
]
# The week of the move: A's lesson on Monday, the last day at A is Tuesday, B from Wednesday.
MONDAY = TODAY - timedelta(days=14 + (TODAY - timedelta(days=14)).weekday())
LAST_DAY_AT_A = MONDAY + timedelta(days=1)
FIRST_DAY_AT_B = MONDAY + timedelta(days=2)
WEEK = IsoWeek(*MONDAY.isocalendar()[:2])

# Mark values tell the schools apart: A gives 5 and 4, B gives 2 and 3.
A_MARKS = [5, 4]
B_MARKS = [2, 3]

OLD_STAFF = ("t-admin-a", "t-homeroom-a")
NEW_STAFF = ("t-admin-b", "t-homeroom-b")
FAMILY = ("t-parent", "t-student")


@dataclass
class Move:
    student: str
    term_a: str
    term_b: str
    lesson_a: int
    lessons_b: list[int]
    mark_a: str
    mark_b: str
    final_a: str
    final_b: str


async def _lesson_mark(
    built: builders.School, who: models.User, lesson: models.Lesson, term: models.Term, value: int
) -> models.Mark:
    assert built.teacher is not None
    async with in_transaction() as conn:
        made = await models.Mark.create(
            student=who,
            lesson=lesson,
            school_class_id=lesson.school_class_id,
            subject_id=lesson.subject_id,
            term=term,
            date=lesson.date,
            value=value,
            author=built.teacher,
            using_db=conn,
        )
        # Written directly, as an import would: start its history so the audit holds.
        await record_imported(conn, [made])
    return made


async def _school_life(
    built: builders.School, who: models.User, lesson: models.Lesson, mark: int, dated: int
) -> tuple[models.Mark, models.FinalMark]:
    """What a school writes about the student: a lesson mark, a dated mark, an absence,
    a remark, homework and a final mark."""
    assert built.teacher is not None
    term = built.terms[1]
    at_lesson = await _lesson_mark(built, who, lesson, term, mark)
    await builders.mark(
        built, who, lesson.school_class, "Mathematics", term, dated, day=lesson.date
    )
    await models.Attendance.create(
        lesson=lesson,
        date=lesson.date,
        student=who,
        kind=AttendanceKind.ABSENT,
        recorded_by=built.teacher,
    )
    await models.Remark.create(
        lesson=lesson,
        student=who,
        kind=RemarkKind.PRAISE,
        text=built.school.name,
        author=built.teacher,
    )
    await models.Homework.create(
        lesson=lesson,
        text=f"Homework {built.school.name}",
        due_on=lesson.date,
        author=built.teacher,
    )
    final = await builders.final_mark(built, who, "Mathematics", built.terms[0], mark)
    return at_lesson, final


@pytest.fixture(scope="module")
async def move(world: World) -> Move:
    a = await builders.school("TA", "r-move", TERMS)
    b = await builders.school("TB", "r-move", TERMS)
    staff = {}
    for key, built in (("a", a), ("b", b)):
        staff[key] = await builders.person(
            world, f"t-homeroom-{key}", "Homeroom", key, (Role.TEACHER, built.school, None)
        )
        await builders.person(
            world, f"t-admin-{key}", "Admin", key, (Role.SCHOOL_ADMIN, built.school, None)
        )
    class_a = await builders.school_class(a, "6A", class_teacher=staff["a"])
    class_b = await builders.school_class(b, "6B", class_teacher=staff["b"])
    pupil = await builders.student(world, a, class_a, "t-student", "Moved", "Kid")
    await models.Enrollment.filter(student=pupil).update(ends_on=LAST_DAY_AT_A)
    await models.Enrollment.create(student=pupil, school_class=class_b, starts_on=FIRST_DAY_AT_B)
    await models.RoleGrant.create(user=pupil, role=Role.STUDENT, school=b.school)
    parent = await builders.person(
        world, "t-parent", "Parent", "Moved", (Role.PARENT, a.school, None)
    )
    await models.Guardianship.create(parent=parent, student=pupil)

    lesson_a = await builders.lesson(a, class_a, "Mathematics", MONDAY)
    lesson_b = await builders.lesson(b, class_b, "Mathematics", MONDAY + timedelta(days=3))
    later_b = await builders.lesson(b, class_b, "Mathematics", TODAY - timedelta(days=3))
    mark_a, final_a = await _school_life(a, pupil, lesson_a, *A_MARKS)
    mark_b, final_b = await _school_life(b, pupil, lesson_b, *B_MARKS)
    # B's final mark is for its own second term, after the move.
    final_b.term_id = b.terms[1].id
    await final_b.save()
    return Move(
        student=to_base64("Student", pupil.id),
        term_a=to_base64("Term", a.terms[1].id),
        term_b=to_base64("Term", b.terms[1].id),
        lesson_a=lesson_a.id,
        lessons_b=[lesson_b.id, later_b.id],
        mark_a=to_base64("Mark", mark_a.id),
        mark_b=to_base64("Mark", mark_b.id),
        final_a=to_base64("Term", final_a.term_id),
        final_b=to_base64("Term", b.terms[1].id),
    )


async def _data(gql: GraphQLClient, query: str, variables: dict[str, Any], who: str) -> Any:
    answer = await gql(query, variables, as_user=who)
    assert "errors" not in answer, (who, answer)
    return answer["data"]


MARKS = """query($s: ID!, $t: ID) { marks(studentId: $s, termId: $t, first: 50) {
  totalCount edges { node { value history { newValue } } } } }"""


def _expected(who: str) -> list[int]:
    if who in OLD_STAFF:
        return A_MARKS
    if who in NEW_STAFF:
        return B_MARKS
    return A_MARKS + B_MARKS


def _own_term(move: Move, who: str) -> str:
    return move.term_b if who in NEW_STAFF else move.term_a


@pytest.mark.parametrize("who", OLD_STAFF + NEW_STAFF + FAMILY)
async def test_marks_with_and_without_a_term(gql: GraphQLClient, move: Move, who: str) -> None:
    terms = [None, move.term_a, move.term_b] if who in FAMILY else [None, _own_term(move, who)]
    for term in terms:
        found = (await _data(gql, MARKS, {"s": move.student, "t": term}, who))["marks"]
        values = sorted(e["node"]["value"] for e in found["edges"])
        if term is None:
            assert values == sorted(_expected(who)), who
        else:
            in_term = A_MARKS if term == move.term_a else B_MARKS
            assert values == sorted(in_term), (who, term)
        assert found["totalCount"] == len(values)
        # The history of a mark is shown with the mark.
        assert all(e["node"]["history"] for e in found["edges"])
    if who not in FAMILY:
        # The other school's term is not the staff's to name: as unknown.
        other = move.term_a if who in NEW_STAFF else move.term_b
        answer = await gql(MARKS, {"s": move.student, "t": other}, as_user=who)
        assert [e["extensions"]["code"] for e in answer["errors"]] == ["NOT_FOUND"]


@pytest.mark.parametrize("who", OLD_STAFF + NEW_STAFF + FAMILY)
async def test_final_marks_and_averages(gql: GraphQLClient, move: Move, who: str) -> None:
    query = "query($s: ID!) { finalMarks(studentId: $s) { value term { id } } }"
    finals = (await _data(gql, query, {"s": move.student}, who))["finalMarks"]
    expected = {
        "t-admin-a": {(5, move.final_a)},
        "t-homeroom-a": {(5, move.final_a)},
        "t-admin-b": {(2, move.final_b)},
        "t-homeroom-b": {(2, move.final_b)},
    }.get(who, {(5, move.final_a), (2, move.final_b)})
    assert {(f["value"], f["term"]["id"]) for f in finals} == expected

    # Averages over the viewer's own term (the family: A's), and without a term: staff
    # never get the other school's marks counted (A gives 5 and 4, B gives 2 and 3).
    own = 2.5 if who in NEW_STAFF else 4.5
    query = "query($s: ID!, $t: ID) { termAverages(studentId: $s, termId: $t) { average } }"
    variables = {"s": move.student, "t": _own_term(move, who)}
    averages = (await _data(gql, query, variables, who))["termAverages"]
    assert [a["average"] for a in averages] == [own], who
    progress = """query($s: ID!, $t: ID) { progress(studentId: $s, termId: $t) {
      subjects { points { average } } } }"""
    found = (await _data(gql, progress, variables, who))["progress"]["subjects"]
    assert [s["points"][-1]["average"] for s in found] == [own], who
    if who not in FAMILY:
        averages = (await _data(gql, query, {"s": move.student, "t": None}, who))["termAverages"]
        assert [a["average"] for a in averages] in ([], [own]), who


DIARY = """query($s: ID!, $w: Week!) { diary(studentId: $s, week: $w) { days { lessons {
  lesson { id } homework { text } marks { value } attendance { kind } remarks { text } }
  otherMarks { value } } } }"""


@pytest.mark.parametrize("who", OLD_STAFF + NEW_STAFF + FAMILY)
async def test_the_week_of_the_move(gql: GraphQLClient, move: Move, who: str) -> None:
    days = (await _data(gql, DIARY, {"s": move.student, "w": str(WEEK)}, who))["diary"]["days"]
    lessons = [entry for day in days for entry in day["lessons"]]
    shown = {entry["lesson"]["id"] for entry in lessons}
    marks = sorted(
        [m["value"] for e in lessons for m in e["marks"]]
        + [m["value"] for day in days for m in day["otherMarks"]]
    )
    remarks = {r["text"] for e in lessons for r in e["remarks"]}
    homework = {h["text"] for e in lessons for h in e["homework"]}
    absences = [e["attendance"] for e in lessons if e["attendance"]]
    expected = _expected(who)
    assert marks == sorted(expected), who
    assert len(shown) == len(absences) == len(remarks) == len(homework) == len(expected) // 2
    if who in OLD_STAFF:
        assert remarks == {"School TA"} and homework == {"Homework School TA"}
    if who in NEW_STAFF:
        assert remarks == {"School TB"} and homework == {"Homework School TB"}


@pytest.mark.parametrize("who", OLD_STAFF + NEW_STAFF + FAMILY)
async def test_marks_by_node(gql: GraphQLClient, move: Move, who: str) -> None:
    query = "query($id: ID!) { node(id: $id) { ... on Mark { value } } }"
    for mark, school in ((move.mark_a, OLD_STAFF), (move.mark_b, NEW_STAFF)):
        answer = await gql(query, {"id": mark}, as_user=who)
        if who in school or who in FAMILY:
            assert "errors" not in answer, (who, answer)
        else:
            assert answer["data"] == {"node": None}, who
            assert [e["extensions"]["code"] for e in answer["errors"]] == ["NOT_FOUND"]


CREATE = """mutation($s: ID!) { createCalendarFeed(input: {studentId: $s}) {
  url userErrors { code } } }"""


@pytest.mark.parametrize("who", ("t-admin-a", "t-homeroom-b", "t-parent"))
async def test_calendar_feeds(gql: GraphQLClient, move: Move, who: str) -> None:
    created = (await _data(gql, CREATE, {"s": move.student}, who))["createCalendarFeed"]
    assert created["userErrors"] == []
    async with gql.http() as client:
        answer = await client.get(created["url"])
    assert answer.status_code == 200
    uids = {str(e["UID"]) for e in Calendar.from_ical(answer.content).walk("VEVENT")}
    lessons = {uid for uid in uids if uid.startswith("lesson-")}
    a = {f"lesson-{move.lesson_a}@ediary"}
    b = {f"lesson-{i}@ediary" for i in move.lessons_b}
    expected = {"t-admin-a": a, "t-homeroom-b": b}.get(who, a | b)
    assert lessons == expected, who
