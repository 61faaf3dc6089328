"""The journal's tables by academic year (PostgreSQL): a recorded year brings its partitions,
the references that foreign keys kept still hold, and a finished year leaves the live tables
while the diary goes on reading and writing."""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import dataclass
from datetime import date

import asyncpg
import pytest
from tortoise import Tortoise, connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from ediary.domain import dataversion, partitions
from ediary.domain.enums import AttendanceKind, RemarkKind, WorkKind
from ediary.domain.housekeeping import make_partitions
from ediary.domain.journal.history import record_imported, verify
from ediary.domain.models import (
    AcademicYear,
    Attendance,
    Homework,
    HomeworkAttachment,
    Lesson,
    Mark,
    MarkEvent,
    PlannedWork,
    Remark,
    SchoolClass,
    User,
)
from ediary.testing.database import connect, direct_url
from tests import builders
from tests.conftest import BACKEND, TODAY
from tests.servers import EDIARY

postgres_only = pytest.mark.skipif(BACKEND != "postgres", reason="partitions are PostgreSQL's")


async def _years(table: str) -> set[int]:
    return {
        found.year
        for found in await partitions.years(connections.get("default"))
        if not found.archived and table in found.rows
    }


@dataclass
class Journal:
    """A school's lesson with a mark (and its history), an absence, homework with an
    attachment, a remark and a planned work: every kind of row that belongs to a lesson."""

    built: builders.School
    school_class: SchoolClass
    pupil: User
    lesson: Lesson
    mark: Mark


async def _journal(key: str, terms: list[tuple[date, date]], year_name: str, day: date) -> Journal:
    built = await builders.school(key, "part", terms, year_name=year_name)
    made = await builders.school_class(built, "5A")
    pupil = await builders.student(None, built, made, f"{key}-pupil", "Pupil", key)
    lesson = await builders.lesson(built, made, "Mathematics", day)
    teacher = built.teacher
    assert teacher is not None
    async with in_transaction() as conn:
        mark = await Mark.create(
            student=pupil,
            lesson=lesson,
            school_class=made,
            subject=built.subjects["Mathematics"],
            term=built.terms[0],
            date=lesson.date,
            value=5,
            author=teacher,
            using_db=conn,
        )
        await record_imported(conn, [mark])
    await Attendance.create(
        lesson=lesson,
        date=lesson.date,
        student=pupil,
        kind=AttendanceKind.LATE,
        minutes_late=5,
        recorded_by=teacher,
    )
    homework = await Homework.create(lesson=lesson, text="§5", due_on=day, author=teacher)
    await HomeworkAttachment.create(
        homework=homework,
        filename="task.pdf",
        content_type="application/pdf",
        size=3,
        storage_key=f"{key}-task",
    )
    await Remark.create(
        lesson=lesson, student=pupil, kind=RemarkKind.PRAISE, text="Well done", author=teacher
    )
    await PlannedWork.create(lesson=lesson, kind=WorkKind.TEST, weight=2, author=teacher)
    return Journal(built, made, pupil, lesson, mark)


@postgres_only
async def test_recording_a_school_year_makes_its_partitions(world: object) -> None:
    assert 2012 not in await _years("lesson")
    built = await builders.school("part-2012", "part", [(date(2026, 9, 1), date(2026, 12, 28))])
    await AcademicYear.create(
        school=built.school, name="2012/2013", starts_on=date(2012, 9, 1), ends_on=date(2013, 5, 31)
    )
    for table in partitions.TABLES:
        assert {2012, 2026, 2027} <= await _years(table), table
    # Made once: recording the year again changes nothing.
    assert (
        await partitions.ensure(connections.get("default"), date(2012, 9, 1), date(2013, 1, 1)) == 0
    )


@postgres_only
async def test_references_hold_as_foreign_keys_did(world: object) -> None:
    journal = await _journal(
        "part-refs", [(date(2026, 9, 1), date(2026, 12, 28))], "2026/2027", date(2026, 10, 6)
    )
    teacher = journal.built.teacher
    assert teacher is not None
    with pytest.raises(IntegrityError):
        await Mark.create(
            student=journal.pupil,
            lesson_id=2_000_000_000,
            school_class=journal.school_class,
            subject=journal.built.subjects["Mathematics"],
            term=journal.built.terms[0],
            date=date(2026, 10, 6),
            value=4,
            author=teacher,
        )
    # A lesson with a mark stays; its history keeps the mark.
    with pytest.raises(IntegrityError):
        await Lesson.filter(id=journal.lesson.id).delete()
    with pytest.raises(IntegrityError):
        await MarkEvent.filter(mark_id=journal.mark.id).update(mark_id=2_000_000_000)
    assert await Lesson.exists(id=journal.lesson.id)
    # A lesson without marks takes its attendance, homework, remarks and planned works along.
    bare = await builders.lesson(
        journal.built, journal.school_class, "Mathematics", date(2026, 10, 7)
    )
    await Attendance.create(
        lesson=bare,
        date=bare.date,
        student=journal.pupil,
        kind=AttendanceKind.ABSENT,
        recorded_by=teacher,
    )
    await Homework.create(lesson=bare, text="§6", due_on=bare.date, author=teacher)
    await Remark.create(
        lesson=bare, student=journal.pupil, kind=RemarkKind.BEHAVIOUR, text="-", author=teacher
    )
    await PlannedWork.create(lesson=bare, kind=WorkKind.TEST, weight=2, author=teacher)
    await Lesson.filter(id=bare.id).delete()
    for model in (Attendance, Homework, Remark, PlannedWork):
        assert not await model.exists(lesson_id=bare.id), model.__name__
    # A date moved over August 1 moves the row to another year's partition: its history,
    # which points at it, does not stand in the way.
    await partitions.ensure(connections.get("default"), date(2025, 9, 1), date(2025, 9, 1))
    await Mark.filter(id=journal.mark.id).update(date=date(2025, 9, 1))
    await Mark.filter(id=journal.mark.id).update(date=date(2026, 10, 6))
    assert await Mark.exists(id=journal.mark.id, date=date(2026, 10, 6))


@postgres_only
async def test_a_many_row_insert_checks_every_reference_and_locks_what_it_names(
    database: str, world: object
) -> None:
    """The references are checked once per statement (migration 0022): one missing lesson
    among many rows refuses them all, and the lessons named stay locked until commit."""
    journal = await _journal(
        "part-bulk", [(date(2026, 9, 1), date(2026, 12, 28))], "2026/2027", date(2026, 10, 6)
    )
    teacher = journal.built.teacher
    assert teacher is not None

    def homework(lesson_id: int) -> Homework:
        return Homework(lesson_id=lesson_id, text="§7", due_on=date(2026, 10, 9), author=teacher)

    before = await Homework.filter(author=teacher).count()
    with pytest.raises(IntegrityError, match="violates the reference"):
        await Homework.bulk_create([homework(journal.lesson.id), homework(2_000_000_000)])
    assert await Homework.filter(author=teacher).count() == before

    other = await connect(database)
    try:
        async with in_transaction():
            await Homework.bulk_create([homework(journal.lesson.id), homework(journal.lesson.id)])
            # Another session cannot take the lesson away while the homework is uncommitted.
            await other.execute("SET lock_timeout = '200ms'")
            with pytest.raises(asyncpg.LockNotAvailableError):
                await other.execute("DELETE FROM lesson WHERE id = $1", journal.lesson.id)
    finally:
        await other.close()
    assert await Homework.filter(author=teacher).count() == before + 2


@postgres_only
async def test_a_finished_year_moves_out_while_the_diary_is_used(fresh: str) -> None:
    # A database of its own: the archive takes a year's rows out of every later test's sight.
    past = await _journal(
        "part-2019",
        [(date(2019, 9, 2), date(2019, 12, 27)), (date(2020, 1, 9), date(2020, 5, 29))],
        "2019/2020",
        date(2019, 10, 1),
    )
    now = await _journal(
        "part-now", [(date(2026, 9, 1), date(2026, 12, 28))], "2026/2027", date(2026, 11, 24)
    )
    client = connections.get("default")
    with pytest.raises(partitions.PartitionError, match="not over"):
        await partitions.archive(client, 2026, TODAY)
    version = await dataversion.current(client)

    # A parent holds a transaction open on the diary, having read every year.
    reader = await connect(fresh)
    writer = await connect(fresh)
    try:
        open_read = reader.transaction()
        await open_read.start()
        assert await reader.fetchval("SELECT count(*) FROM lesson") >= 2
        archiving = asyncio.create_task(partitions.archive(client, 2019, TODAY))
        # While the archive waits for that transaction, this year is read and written
        # without waiting.
        for topic in ("Fractions", "Decimals", "Percent"):
            await asyncio.wait_for(
                writer.execute("UPDATE lesson SET topic = $1 WHERE id = $2", topic, now.lesson.id),
                timeout=2,
            )
            assert (
                await asyncio.wait_for(
                    writer.fetchval(
                        "SELECT count(*) FROM mark WHERE student_id = $1", now.pupil.id
                    ),
                    timeout=2,
                )
                == 1
            )
            await asyncio.sleep(0.2)
        assert not archiving.done()
        await open_read.commit()
        moved = await asyncio.wait_for(archiving, timeout=30)
    finally:
        await reader.close()
        await writer.close()

    assert moved.year == 2019 and moved.archived and set(moved.rows) == set(partitions.TABLES)
    assert 2019 not in await _years("lesson")
    assert not await Lesson.exists(id=past.lesson.id)
    assert not await Mark.exists(id=past.mark.id)
    for model in (Attendance, Homework, Remark, PlannedWork):
        assert not await model.exists(lesson_id=past.lesson.id), model.__name__
    assert await Lesson.exists(id=now.lesson.id, topic="Percent")
    assert await Mark.exists(id=now.mark.id)
    kept = {
        table: await client.execute_query_dict(
            f"SELECT count(*) AS n FROM {partitions.ARCHIVE_SCHEMA}.{table}_y2019"
        )
        for table in (*partitions.TABLES, *partitions.LESSON_DEPENDANTS, "homework_attachment")
    }
    assert {table: rows[0]["n"] for table, rows in kept.items()} == {
        "mark_event": 1,
        "attendance": 1,
        "mark": 1,
        "lesson": 1,
        "homework": 1,
        "remark": 1,
        "planned_work": 1,
        "homework_attachment": 1,
    }
    # Answers kept from the year's rows are no longer valid; the chain is still whole.
    assert await dataversion.current(client) != version
    verdict = await verify()
    assert verdict.ok, verdict.finding
    # The year is closed: nothing can be written into it, and it is not archived twice.
    with pytest.raises(IntegrityError):
        await builders.lesson(past.built, past.school_class, "Mathematics", date(2019, 10, 2))
    with pytest.raises(partitions.PartitionError, match="no partitions"):
        await partitions.archive(client, 2019, TODAY)


def test_the_year_of_a_day_turns_on_august_1() -> None:
    assert partitions.academic_year_of(date(2026, 7, 31)) == 2025
    assert partitions.academic_year_of(date(2026, 8, 1)) == 2026
    assert partitions.academic_year_of(date(2027, 5, 31)) == 2026


@postgres_only
async def test_every_reference_into_a_partitioned_table_is_kept(world: object) -> None:
    """A foreign key into a partitioned table cannot exist: every model's reference to one
    must be among those the migration keeps with triggers."""
    kept = {
        (row["tgrelid"], row["tgname"])
        for row in await connections.get("default").execute_query_dict(
            "SELECT CAST(tgrelid AS regclass)::text AS tgrelid, tgname FROM pg_trigger"
            " WHERE tgname LIKE 'ediary_ref_%' AND NOT tgisinternal AND tgparentid = 0"
        )
    }
    checked = set()
    for app in Tortoise.apps.values():
        for model in app.values():
            for name in model._meta.fk_fields:
                field = model._meta.fields_map[name]
                if field.related_model._meta.db_table in partitions.TABLES:
                    table = model._meta.db_table
                    # Checked row by row on update, once per statement on insert.
                    check = f"ediary_ref_{table}_{field.source_field}"
                    assert {(table, check), (table, f"{check}_insert")} <= kept, (table, name)
                    checked.add(table)
    assert checked == {"mark", "attendance", "homework", "remark", "planned_work", "mark_event"}


def _ediary(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EDIARY, "partitions", *args],
        env={"EDIARY_DATABASE_URL": direct_url(database), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@postgres_only
async def test_the_command_lists_years_and_refuses_what_it_cannot_archive(
    database: str, world: object
) -> None:
    listed = _ediary(database, "list")
    assert listed.returncode == 0, listed.stderr
    assert "2026/2027  live" in listed.stdout and "lesson ~" in listed.stdout
    unfinished = _ediary(database, "archive", "2026/2027")
    assert unfinished.returncode == 1
    assert "The year 2026/2027 is not over" in unfinished.stderr
    wrong = _ediary(database, "archive", "2021/2023")
    assert wrong.returncode == 2
    assert "'2021/2023' is not an academic year such as 2021/2022" in wrong.stderr


@pytest.mark.skipif(BACKEND != "sqlite", reason="SQLite's answer")
async def test_sqlite_has_no_partitions(world: object) -> None:
    client = connections.get("default")
    assert await partitions.years(client) == []
    assert await partitions.ensure_ahead(client, TODAY) == 0
    with pytest.raises(partitions.PartitionError, match="Only a PostgreSQL database"):
        await partitions.archive(client, 2019, TODAY)


@postgres_only
async def test_housekeeping_makes_the_year_ahead(world: object) -> None:
    # In March 2040: the partitions of 2039/2040 and of 2040/2041, four tables each.
    assert await make_partitions(date(2040, 3, 1)) == 8
    assert {2039, 2040} <= await _years("mark")
    assert await make_partitions(date(2040, 3, 1)) == 0


def test_a_terms_marks_are_bounded_by_its_years_partitions() -> None:
    assert partitions.year_bounds(date(2026, 9, 1), date(2026, 10, 30)) == (
        date(2026, 8, 1),
        date(2027, 8, 1),
    )
    # A term over August 1 (none in Russia, but dates are data) spans both years.
    assert partitions.year_bounds(date(2026, 7, 1), date(2026, 9, 1)) == (
        date(2025, 8, 1),
        date(2027, 8, 1),
    )
