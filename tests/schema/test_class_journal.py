"""The class journal: the grid of one class and subject over a term, through the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from strawberry.relay import to_base64
from tortoise.transactions import in_transaction

from ediary.db import count_statements
from ediary.domain import models
from ediary.domain.enums import AttendanceKind, Role, WorkKind
from ediary.domain.journal.history import record_imported
from tests.conftest import GraphQLClient
from tests.world import World, _school, _user

JOURNAL = """
query($class: ID!, $subject: ID!, $term: ID!) {
  classJournal(classId: $class, subjectId: $subject, termId: $term) {
    schoolClass { name } subject { name } term { number }
    lessons { id date topic status }
    rows {
      student { fullName }
      cells { marks { value weight kind comment } attendance { kind excused } }
      average { average markCount weightTotal forecast }
    }
  }
}
"""


def ids(world: World, school_class: str, subject: str, term: str) -> dict[str, object]:
    return {
        "class": to_base64("SchoolClass", world.id(school_class)),
        "subject": to_base64("Subject", world.id(subject)),
        "term": to_base64("Term", world.id(term)),
    }


async def test_the_grid_of_7a_in_mathematics(gql: GraphQLClient, world: World) -> None:
    result = await gql(JOURNAL, ids(world, "class_7a", "math", "term2_A"), as_user="math_teacher")
    assert "errors" not in result, result
    journal = result["data"]["classJournal"]
    assert (journal["schoolClass"]["name"], journal["subject"]["name"]) == ("7A", "Mathematics")
    lessons = journal["lessons"]
    # Other tests may add lessons to 7A; the world's own two come in date order.
    first = next(i for i, lesson in enumerate(lessons) if lesson["date"] == "2026-11-23")
    assert lessons[first]["topic"] == "Quadratic equations"
    assert lessons[first + 1]["date"] == "2026-11-24"
    assert [d["date"] for d in lessons] == sorted(d["date"] for d in lessons)
    rows = {row["student"]["fullName"]: row for row in journal["rows"]}
    assert list(rows) == ["Kuznetsov Ivan", "Popova Maria"]  # register order
    pupil, classmate = rows["Kuznetsov Ivan"], rows["Popova Maria"]
    assert len(pupil["cells"]) == len(lessons)
    assert pupil["cells"][first]["marks"][:2] == [
        {"value": 5, "weight": 1, "kind": "ORAL", "comment": ""},
        {"value": 3, "weight": 2, "kind": "TEST", "comment": ""},
    ]
    assert classmate["cells"][first]["marks"][0]["value"] == 2
    assert pupil["cells"][first + 1] == {"marks": [], "attendance": None}


async def test_without_a_term_the_grid_is_of_the_classs_current_term(
    gql: GraphQLClient, world: World
) -> None:
    """Today (25 November) is in the second quarter: the same grid as asking for it."""
    variables = ids(world, "class_7a", "math", "term2_A")
    asked = await gql(JOURNAL, variables, as_user="math_teacher")
    current = await gql(
        JOURNAL.replace(", $term: ID!", "").replace(", termId: $term", ""),
        {"class": variables["class"], "subject": variables["subject"]},
        as_user="math_teacher",
    )
    assert "errors" not in current, current
    assert current["data"]["classJournal"]["term"] == {"number": 2}
    assert current == asked
    # An unknown class has no current term: answered as any class one may not see.
    unknown = await gql(
        "query($class: ID!, $subject: ID!) { classJournal(classId: $class, subjectId: $subject)"
        " { term { number } } }",
        {"class": to_base64("SchoolClass", 10**9), "subject": variables["subject"]},
        as_user="math_teacher",
    )
    assert unknown["data"] == {"classJournal": None}
    assert unknown["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_the_journal_names_every_term_of_the_classs_year(
    gql: GraphQLClient, world: World
) -> None:
    """A client opens another term's journal from `terms`, whichever term it asked for."""
    expected = [
        {
            "id": to_base64("Term", term.id),
            "number": term.number,
            "startsOn": term.starts_on.isoformat(),
            "endsOn": term.ends_on.isoformat(),
        }
        for term in await models.Term.filter(
            academic_year_id=world.objects["term2_A"].academic_year_id
        ).order_by("starts_on")
    ]
    assert [t["number"] for t in expected][:2] == [1, 2]
    query = JOURNAL.replace(
        "term { number }", "term { number } terms { id number startsOn endsOn }"
    )
    for term in ("term1_A", "term2_A"):
        result = await gql(query, ids(world, "class_7a", "math", term), as_user="math_teacher")
        assert "errors" not in result, result
        assert result["data"]["classJournal"]["terms"] == expected
    # Another school's year is not mixed in: its class lists its own terms only.
    other = await gql(query, ids(world, "class_5a", "history_b", "term2_B"), as_user="other_admin")
    assert "errors" not in other, other
    theirs = [t["id"] for t in other["data"]["classJournal"]["terms"]]
    assert to_base64("Term", world.objects["term2_B"].id) in theirs
    assert not set(theirs) & {t["id"] for t in expected}


async def test_averages_and_attendance(gql: GraphQLClient, world: World) -> None:
    """Russian in 7A: the pupil was late (excused) and has one dictation."""
    result = await gql(
        JOURNAL, ids(world, "class_7a", "russian", "term2_A"), as_user="russian_teacher"
    )
    assert "errors" not in result, result
    rows = {r["student"]["fullName"]: r for r in result["data"]["classJournal"]["rows"]}
    lessons = result["data"]["classJournal"]["lessons"]
    monday = next(i for i, lesson in enumerate(lessons) if lesson["date"] == "2026-11-23")
    assert lessons[monday]["status"] == "SUBSTITUTED"
    pupil = rows["Kuznetsov Ivan"]
    assert pupil["cells"][monday]["attendance"] == {"kind": "LATE", "excused": True}
    assert pupil["average"] == {"average": 4.0, "markCount": 1, "weightTotal": 1, "forecast": 4}
    classmate = rows["Popova Maria"]
    assert classmate["average"] == {
        "average": None,
        "markCount": 0,
        "weightTotal": 0,
        "forecast": None,
    }


@pytest.mark.parametrize(
    ("school_class", "subject", "term"),
    [
        ("class_7a", "history_b", "term2_A"),  # a subject of another school
        ("class_7a", "math", "term2_B"),  # a term of another school's year
        ("class_5a", "history_b", "term2_B"),  # another school altogether
    ],
)
async def test_mismatched_or_foreign_ids_are_not_found(
    gql: GraphQLClient, world: World, school_class: str, subject: str, term: str
) -> None:
    result = await gql(JOURNAL, ids(world, school_class, subject, term), as_user="admin")
    assert result["data"] == {"classJournal": None}
    assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]


async def test_unknown_ids_are_not_found(gql: GraphQLClient, world: World) -> None:
    variables = ids(world, "class_7a", "math", "term2_A")
    variables["class"] = to_base64("SchoolClass", 999_999)
    result = await gql(JOURNAL, variables, as_user="admin")
    assert [e["extensions"]["code"] for e in result["errors"]] == ["NOT_FOUND"]


# --- the cost does not grow with the grid ----------------------------------------------------


async def _class(world: World, key: str, size: int) -> None:
    """A class of `size` students with `size` lessons of the subject, each with a mark and an
    absence for every student."""
    school = world.objects["school_J"]
    teacher = world.users["journal_teacher"]
    subject = world.objects["subject_J"]
    term = world.objects["term2_J"]
    school_class = await models.SchoolClass.create(
        school=school, academic_year=world.objects["year_J"], grade=size, letter="J"
    )
    await models.TeachingAssignment.create(
        teacher=teacher, school_class=school_class, subject=subject
    )
    students = []
    for index in range(size):
        student = await models.User.create(
            login=f"journal-{key}-{index}", last_name=f"Student{index:02d}", first_name=key
        )
        await models.Enrollment.create(
            student=student, school_class=school_class, starts_on=date(2026, 9, 1)
        )
        students.append(student)
    for index in range(size):
        lesson = await models.Lesson.create(
            school_class=school_class,
            subject=subject,
            teacher=teacher,
            date=date(2026, 11, 9) + timedelta(days=index),
            period=1,
            topic=f"Topic {index}",
        )
        # Marks start their history as the journal's writes would: `ediary audit verify`,
        # run by later tests on the same database, checks every mark has one.
        async with in_transaction() as conn:
            marks = [
                await models.Mark.create(
                    student=student,
                    lesson=lesson,
                    school_class=school_class,
                    subject=subject,
                    term=term,
                    date=lesson.date,
                    value=4,
                    weight=2,
                    kind=WorkKind.TEST,
                    author=teacher,
                    using_db=conn,
                )
                for student in students
            ]
            await record_imported(conn, marks)
        await models.Attendance.bulk_create(
            [
                models.Attendance(
                    lesson=lesson,
                    date=lesson.date,
                    student=student,
                    kind=AttendanceKind.ABSENT,
                    recorded_by=teacher,
                )
                for student in students
            ]
        )
    world.objects[f"journal_{key}"] = school_class


@pytest.fixture(scope="module")
async def journals(world: World) -> World:
    # A school of its own in a region of its own, so reports of the shared world do not change.
    region = await models.Region.create(code="rj", name="Journal region")
    school = await _school(world, "J", region)
    await _user(world, "journal_teacher", "Journal", "Teacher", (Role.TEACHER, school, None))
    world.objects["subject_J"] = await models.Subject.create(
        school=school, name="Geometry", short_name="Geom"
    )
    await _class(world, "small", 5)
    await _class(world, "big", 40)
    return world


async def _cost(gql: GraphQLClient, world: World, key: str) -> tuple[int, dict[str, object]]:
    with count_statements() as count:
        result = await gql(
            JOURNAL, ids(world, f"journal_{key}", "subject_J", "term2_J"), as_user="journal_teacher"
        )
    assert "errors" not in result, result
    return count.value, result["data"]["classJournal"]  # type: ignore[no-any-return]


async def test_the_journal_costs_the_same_for_5_and_40_lessons_and_students(
    gql: GraphQLClient, journals: World
) -> None:
    small, small_grid = await _cost(gql, journals, "small")
    big, big_grid = await _cost(gql, journals, "big")
    assert small == big
    # The session and viewer, the query budget's charge and two for the journal itself.
    assert big <= 7, big
    assert len(small_grid["lessons"]) == 5 and len(small_grid["rows"]) == 5  # type: ignore[arg-type]
    assert len(big_grid["lessons"]) == 40 and len(big_grid["rows"]) == 40  # type: ignore[arg-type]
    row = big_grid["rows"][39]  # type: ignore[index]
    assert row["student"]["fullName"] == "Student39 big"
    assert row["cells"][39] == {
        "marks": [{"value": 4, "weight": 2, "kind": "TEST", "comment": ""}],
        "attendance": {"kind": "ABSENT", "excused": False},
    }
    assert row["average"] == {"average": 4.0, "markCount": 40, "weightTotal": 80, "forecast": 4}
