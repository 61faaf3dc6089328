"""The class journal service: who gets the grid, and averages under the region policy."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

import pytest
from tortoise.transactions import in_transaction

from ediary.db import count_statements
from ediary.domain import models
from ediary.domain.access import Viewer, load_viewer
from ediary.domain.class_journal import ClassJournal, load_class_journal
from ediary.domain.enums import AttendanceKind, LessonStatus, WorkKind
from ediary.domain.errors import NotFound
from ediary.domain.grading import RegionPolicy, term_mark
from ediary.domain.journal.history import record_imported
from ediary.domain.models import Mark
from tests import builders
from tests.conftest import TODAY
from tests.world import World


async def _journal(world: World, who: str, policy: RegionPolicy | None = None) -> ClassJournal:
    viewer = await load_viewer(world.users[who], builders.no_window, TODAY)
    return await load_class_journal(
        viewer,
        world.id("class_7a"),
        world.id("math"),
        world.id("term2_A"),
        (lambda region: policy) if policy else (lambda region: RegionPolicy()),
    )


async def _expected(world: World, kinds: set[WorkKind] | None) -> tuple[Fraction, int, int]:
    """The student's math average this term, worked out here from the marks themselves:
    other tests add marks to the shared world, so fixed figures would depend on their order."""
    marks = await Mark.filter(
        student_id=world.id("student"),
        subject_id=world.id("math"),
        term_id=world.id("term2_A"),
        deleted_at=None,
    )
    counted = [m for m in marks if kinds is None or m.kind in kinds]
    weights = sum(m.weight for m in counted)
    return Fraction(sum(m.value * m.weight for m in counted), weights), len(counted), weights


async def test_averages_count_only_the_kinds_the_region_counts(world: World) -> None:
    tests_only = RegionPolicy(code="tests-only", counted_kinds=frozenset({WorkKind.TEST}))
    journal = await _journal(world, "class_teacher", tests_only)
    rows = {row.student.login: row for row in journal.rows}
    pupil = rows["student"].average
    # Oral marks stay in their cells but do not count under this policy.
    assert any(m.kind is not WorkKind.TEST for cell in rows["student"].cells for m in cell.marks)
    expected = await _expected(world, {WorkKind.TEST})
    assert (pupil.average, pupil.mark_count, pupil.weight_total) == expected
    assert pupil.forecast == term_mark(expected[0], tests_only)
    everything = await _journal(world, "class_teacher")
    pupil_all = {r.student.login: r for r in everything.rows}["student"].average
    assert (pupil_all.average, pupil_all.mark_count, pupil_all.weight_total) == await _expected(
        world, None
    )


@pytest.mark.parametrize("who", ["parent", "student", "russian_teacher", "nurse", "other_admin"])
async def test_others_get_not_found(world: World, who: str) -> None:
    with pytest.raises(NotFound):
        await _journal(world, who)


# --- the register, the cells and the averages of a school of their own ------------------------

TERM1 = (date(2026, 9, 1), date(2026, 10, 24))
TERM2 = (date(2026, 11, 3), date(2026, 12, 28))


@dataclass
class Register:
    built: builders.School
    lessons: list[models.Lesson]
    marks: dict[str, models.Mark]
    substitute: models.User


async def _mark(
    built: builders.School,
    who: models.User,
    lesson: models.Lesson | None,
    school_class: models.SchoolClass,
    value: int,
    weight: int = 1,
    *,
    subject: str = "Physics",
    term: int = 2,
    kind: WorkKind = WorkKind.CLASSWORK,
    created_at: datetime | None = None,
) -> models.Mark:
    """A mark at a lesson (or dated work without one), its history started as an import's."""
    assert built.teacher is not None
    # Left to the database's clock unless given.
    when = {} if created_at is None else {"created_at": created_at}
    async with in_transaction() as conn:
        created = await models.Mark.create(
            student=who,
            lesson=lesson,
            school_class=school_class,
            subject=built.subjects[subject],
            term=built.terms[term - 1],
            date=lesson.date if lesson else built.terms[term - 1].starts_on,
            value=value,
            weight=weight,
            kind=kind,
            author=built.teacher,
            using_db=conn,
            **when,
        )
        await record_imported(conn, [created])
    return created


@pytest.fixture(scope="module")
async def register(database: str) -> Register:
    """8K's Physics in the second term: who is on its register, and marks that belong in its
    cells, only in its averages, or in neither."""
    built = await builders.school("JR", "jr", [TERM1, TERM2], subjects=("Physics", "Chemistry"))
    eight_k = await builders.school_class(built, "8K")
    eight_l = await builders.school_class(built, "8L")
    await builders.school_class(built, "8M")  # nobody, no lessons
    substitute = await builders.person(None, "jr-substitute", "Zamena", "Nina")

    async def enrolled(login: str, last: str, *spans: tuple[date, date | None]) -> models.User:
        made = await builders.person(None, login, last, "Pupil")
        for starts_on, ends_on in spans:
            await models.Enrollment.create(
                student=made, school_class=eight_k, starts_on=starts_on, ends_on=ends_on
            )
        return made

    stays = await enrolled("jr-stays", "Abramov", (TERM1[0], None))
    # Left in the middle of the term for 8L: on the register, with 8L's marks in the average.
    leaves = await enrolled("jr-leaves", "Zorina", (TERM1[0], date(2026, 11, 20)))
    await models.Enrollment.create(
        student=leaves, school_class=eight_l, starts_on=date(2026, 11, 21)
    )
    # Away for a week and back: one line, not two.
    returns = await enrolled(
        "jr-returns", "Orlov", (TERM2[0], date(2026, 11, 10)), (date(2026, 11, 17), None)
    )
    # Gone before the term, or come after it: not on the register.
    gone = await enrolled("jr-gone", "Belov", (TERM1[0], date(2026, 10, 10)))
    await enrolled("jr-later", "Gromov", (TERM2[1] + timedelta(days=1), None))

    lesson = functools.partial(builders.lesson, built, eight_k)
    # Made out of order: the journal sorts them by date, period and id.
    third = await lesson("Physics", date(2026, 11, 25), 2)
    first = await lesson(
        "Physics",
        date(2026, 11, 5),
        1,
        status=builders.SUBSTITUTED,
        substitute_teacher=substitute,
        topic="Levers",
    )
    second = await lesson("Physics", date(2026, 11, 5), 3)
    before = await lesson("Physics", date(2026, 10, 1))  # the first term
    chemistry = await lesson("Chemistry", date(2026, 11, 6))
    in_8l = await builders.lesson(built, eight_l, "Physics", date(2026, 11, 24))

    late = datetime(2026, 11, 5, 12, tzinfo=UTC)
    marks = {
        # Entered later, though written first: the cell shows it second.
        "later": await _mark(built, stays, first, eight_k, 5, 2, created_at=late),
        "earlier": await _mark(
            built, stays, first, eight_k, 3, 1, created_at=late - timedelta(hours=1)
        ),
        "dated": await _mark(built, stays, None, eight_k, 4, 3, kind=WorkKind.TEST),
        "withdrawn": await _mark(built, stays, second, eight_k, 2, 5),
        "first_term": await _mark(built, stays, before, eight_k, 2, 1, term=1),
        "chemistry": await _mark(built, stays, chemistry, eight_k, 2, 1, subject="Chemistry"),
        "leaves_here": await _mark(built, leaves, first, eight_k, 3, 1),
        "leaves_8l": await _mark(built, leaves, in_8l, eight_l, 5, 1, kind=WorkKind.TEST),
        "returns": await _mark(built, returns, third, eight_k, 4, 2),
        "gone": await _mark(built, gone, first, eight_k, 5, 1),
    }
    await builders.withdraw(marks["withdrawn"])
    assert built.teacher is not None
    for who, at in ((returns, second), (gone, first)):
        await models.Attendance.create(
            lesson=at,
            date=at.date,
            student=who,
            kind=AttendanceKind.ABSENT,
            recorded_by=built.teacher,
        )
    return Register(built, [first, second, third], marks, substitute)


async def _grid(
    register: Register,
    school_class: str = "8K",
    policy: RegionPolicy | None = None,
    viewer: Viewer | None = None,
) -> ClassJournal:
    assert register.built.teacher is not None
    return await load_class_journal(
        viewer or await load_viewer(register.built.teacher, builders.no_window, TODAY),
        register.built.classes[school_class].id,
        register.built.subjects["Physics"].id,
        register.built.terms[1].id,
        lambda region: policy or RegionPolicy(),
    )


async def test_the_register_holds_who_was_in_the_class_during_the_term(
    register: Register,
) -> None:
    journal = await _grid(register)
    assert [row.student.login for row in journal.rows] == ["jr-stays", "jr-returns", "jr-leaves"]
    assert journal.rows[0].student.full_name == "Abramov Pupil"
    assert [lesson.id for lesson in journal.lessons] == [r.id for r in register.lessons]
    assert journal.lessons[0].substitute_teacher is not None
    assert journal.lessons[0].substitute_teacher.id == register.substitute.id
    assert (journal.lessons[0].status, journal.lessons[0].topic) == (
        LessonStatus.SUBSTITUTED,
        "Levers",
    )
    assert journal.lessons[1].substitute_teacher is None
    assert journal.school_class.name == "8K"
    assert (journal.term.starts_on, journal.term.ends_on) == TERM2


async def test_cells_hold_live_marks_at_the_journals_lessons_in_the_order_given(
    register: Register,
) -> None:
    journal = await _grid(register)
    rows = {row.student.login: row for row in journal.rows}
    marks = register.marks
    stays = rows["jr-stays"].cells
    assert [m.id for m in stays[0].marks] == [marks["earlier"].id, marks["later"].id]
    assert stays[0].marks[1].created_at == marks["later"].created_at
    assert stays[0].marks[1].author.id == register.built.teacher.id  # type: ignore[union-attr]
    assert stays[1].marks == [] and stays[2].marks == []  # withdrawn; none
    assert [m.id for c in rows["jr-leaves"].cells for m in c.marks] == [marks["leaves_here"].id]
    returns = rows["jr-returns"].cells
    assert [m.id for m in returns[2].marks] == [marks["returns"].id]
    assert returns[1].attendance is not None
    assert returns[1].attendance.kind is AttendanceKind.ABSENT
    assert not returns[1].attendance.excused
    assert all(c.attendance is None for row in journal.rows[:1] for c in row.cells)


async def test_averages_count_the_terms_live_marks_of_the_subject_from_every_class(
    register: Register,
) -> None:
    rows = {row.student.login: row for row in (await _grid(register)).rows}
    # At the lessons 5x2 and 3x1, dated work 4x3; not the withdrawn mark, not the first
    # term's, not Chemistry's.
    stays = rows["jr-stays"].average
    assert (stays.average, stays.mark_count, stays.weight_total) == (Fraction(25, 6), 3, 6)
    assert stays.forecast == 4
    leaves = rows["jr-leaves"].average  # 3 here and 5 in 8L
    assert (leaves.average, leaves.mark_count, leaves.weight_total) == (Fraction(4), 2, 2)
    tests_only = RegionPolicy(code="tests-only", counted_kinds=frozenset({WorkKind.TEST}))
    rows = {r.student.login: r for r in (await _grid(register, policy=tests_only)).rows}
    assert (rows["jr-stays"].average.average, rows["jr-stays"].average.mark_count) == (
        Fraction(4),
        1,
    )
    nothing = rows["jr-returns"].average
    assert (nothing.average, nothing.mark_count, nothing.weight_total, nothing.forecast) == (
        None,
        0,
        0,
        None,
    )


async def test_the_journal_is_two_statements_whatever_it_holds(register: Register) -> None:
    assert register.built.teacher is not None
    viewer = await load_viewer(register.built.teacher, builders.no_window, TODAY)
    with count_statements() as count:
        full = await _grid(register, viewer=viewer)
    assert count.value == 2
    with count_statements() as count:
        empty = await _grid(register, "8M", viewer=viewer)
    assert count.value == 2
    assert len(full.rows) == 3 and (empty.lessons, empty.rows) == ([], [])
