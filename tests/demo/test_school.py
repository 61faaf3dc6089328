"""Tests for the demo school: plausible, deterministic, loadable once, with working logins."""

from __future__ import annotations

import hashlib
import os
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import asyncpg
import pytest
from tortoise.context import TortoiseContext, tortoise_test_context

from ediary.demo import DemoScale, database_is_empty, load_demo
from ediary.domain.auth import authenticate
from ediary.domain.enums import Audience, ConversationKind, LessonStatus, Role, WorkKind
from ediary.domain.grading import DEFAULT_WEIGHTS
from ediary.domain.models import (
    AcademicYear,
    Announcement,
    AnnouncementAttachment,
    Attendance,
    Conversation,
    ConversationMessage,
    Enrollment,
    FinalMark,
    Guardianship,
    Homework,
    HomeworkAttachment,
    Lesson,
    Mark,
    Meeting,
    MeetingReply,
    RoleGrant,
    School,
    SchoolClass,
    TeachingAssignment,
    Term,
    User,
)
from ediary.domain.storage import DiskStorage

TODAY = date(2026, 11, 26)  # a Thursday of the second quarter
MONDAY = TODAY - timedelta(days=TODAY.weekday())
SMALL = DemoScale(classes=2, students_per_class=5)
# The suite runs on one backend per process (see conftest): use the same one here.
POSTGRES_URL = os.environ.get("EDIARY_TEST_POSTGRES_URL", "")


@asynccontextmanager
async def fresh_database() -> AsyncIterator[TortoiseContext]:
    url = "sqlite://:memory:"
    if POSTGRES_URL:
        name = f"ediary_demo_{uuid.uuid4().hex[:10]}"
        url = f"{POSTGRES_URL.rpartition('/')[0]}/{name}"
    try:
        async with tortoise_test_context(
            ["ediary.domain.models"], db_url=url, app_label="diary"
        ) as ctx:
            yield ctx
    finally:
        if POSTGRES_URL:
            conn = await asyncpg.connect(POSTGRES_URL.replace("postgres://", "postgresql://", 1))
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await conn.close()


@pytest.fixture
async def empty_db() -> AsyncIterator[TortoiseContext]:
    async with fresh_database() as ctx:
        yield ctx


async def marks_digest(seed: int) -> str:
    async with fresh_database():
        await load_demo(TODAY, seed=seed, scale=SMALL)
        rows = await Mark.all().order_by("id").values_list("student_id", "date", "value")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


async def test_loads_into_an_empty_database_only(empty_db: TortoiseContext) -> None:
    assert await database_is_empty()
    await load_demo(TODAY, scale=SMALL)
    assert not await database_is_empty()
    with pytest.raises(RuntimeError, match="not empty"):
        await load_demo(TODAY, scale=SMALL)
    assert await School.all().count() == 1
    # Ids were assigned by the loader: the database must still hand out fresh ones.
    newcomer = await User.create(login="newcomer", last_name="Новиков", first_name="Иван")
    assert newcomer.id > max(await User.all().exclude(id=newcomer.id).values_list("id", flat=True))


async def test_counts_and_dates_are_plausible(empty_db: TortoiseContext) -> None:
    await load_demo(TODAY, scale=SMALL)

    assert await SchoolClass.all().count() == 2
    assert await RoleGrant.filter(role=Role.STUDENT).count() == 10
    assert await Enrollment.filter(ends_on=None).count() == 10
    year = await AcademicYear.get()
    assert (year.starts_on, year.ends_on) == (date(2026, 9, 1), date(2027, 5, 31))
    assert await Lesson.all().count() > 300

    marks = await Mark.all().values(
        "date", "value", "weight", "kind", "term__starts_on", "term__ends_on"
    )
    assert len(marks) > 300
    assert max(m["date"] for m in marks) <= TODAY
    assert all(m["term__starts_on"] <= m["date"] <= m["term__ends_on"] for m in marks)
    assert {m["value"] for m in marks} <= {2, 3, 4, 5}
    assert all(m["weight"] == DEFAULT_WEIGHTS[WorkKind(m["kind"])] for m in marks)
    assert len({m["kind"] for m in marks}) >= 4

    assert not await Mark.filter(lesson__status=LessonStatus.CANCELLED).exists()
    assert not await Attendance.filter(lesson__date__gt=TODAY).exists()
    homework = await Homework.all().values("due_on", "lesson__date")
    assert homework and all(h["due_on"] > h["lesson__date"] for h in homework)
    # The first quarter has ended: its term marks are there, and only its.
    assert {row[0] for row in await FinalMark.all().values_list("term__number")} == {1}


async def test_the_term_is_timetabled_past_and_coming_weeks(empty_db: TortoiseContext) -> None:
    await load_demo(TODAY, scale=SMALL)
    sunday = MONDAY + timedelta(days=6)
    week: dict[int, int] = defaultdict(int)
    last_week: dict[int, int] = defaultdict(int)
    next_week: dict[int, int] = defaultdict(int)
    for class_id, day in await Lesson.all().values_list("school_class_id", "date"):
        if MONDAY <= day <= sunday:
            week[class_id] += 1
        elif MONDAY - timedelta(days=7) <= day < MONDAY:
            last_week[class_id] += 1
        elif sunday < day <= sunday + timedelta(days=7):
            next_week[class_id] += 1
    assert len(week) == 2
    # Full timetable weeks, including the days after today and the week after.
    assert week == last_week == next_week
    term = await Term.get(number=2)
    last = await Lesson.all().order_by("-date").first()
    assert last is not None and term.ends_on - timedelta(days=6) <= last.date <= term.ends_on
    # Coming lessons have no journal yet.
    assert not await Mark.filter(date__gt=TODAY).exists()
    assert not await Lesson.filter(date__gt=TODAY).exclude(topic="").exists()


async def test_same_seed_same_data() -> None:
    first = await marks_digest(seed=7)
    assert await marks_digest(seed=7) == first
    assert await marks_digest(seed=8) != first


async def test_logins_work_and_fit_their_roles(empty_db: TortoiseContext) -> None:
    logins = await load_demo(TODAY, scale=SMALL)
    assert [x.login for x in logins] == [
        "parent",
        "parent2",
        "student",
        "teacher",
        "classteacher",
        "admin",
        "nurse",
        "official",
    ]
    users: dict[str, User] = {}
    for item in logins:
        assert item.password == "demo"
        users[item.login] = await authenticate(item.login, item.password, "192.0.2.1")

    async def children(login: str) -> list[int]:
        rows = await Guardianship.filter(parent_id=users[login].id).values_list("student_id")
        return [row[0] for row in rows]

    async def class_of(student_id: int) -> int:
        enrollment = await Enrollment.get(student_id=student_id)
        return enrollment.school_class_id

    kids = await children("parent")
    assert len(kids) == 2 and users["student"].id in kids
    assert len({await class_of(kid) for kid in kids}) == 2
    assert len(await children("parent2")) == 1
    student_class = await SchoolClass.get(id=await class_of(users["student"].id))
    assert student_class.class_teacher_id == users["classteacher"].id
    assert await TeachingAssignment.filter(
        teacher_id=users["teacher"].id, school_class_id=student_class.id
    ).exists()
    roles = {
        login: {row[0] for row in await RoleGrant.filter(user_id=user.id).values_list("role")}
        for login, user in users.items()
    }
    assert roles["admin"] == {Role.SCHOOL_ADMIN}
    assert roles["nurse"] == {Role.HEALTH_WORKER}
    official = await RoleGrant.get(user_id=users["official"].id)
    assert (official.role, official.school_id, official.region_id) == (
        Role.REGIONAL_OFFICIAL,
        None,
        (await School.get()).region_id,
    )


async def test_a_summer_day_prepares_the_coming_year(empty_db: TortoiseContext) -> None:
    await load_demo(date(2026, 7, 15), scale=DemoScale(classes=1, students_per_class=2))
    year = await AcademicYear.get()
    assert year.starts_on == date(2026, 9, 1)
    assert await Lesson.all().count() == 0
    assert await Mark.all().count() == 0


async def test_school_life_and_files_are_loaded(empty_db: TortoiseContext, tmp_path: Path) -> None:
    storage = DiskStorage(tmp_path)
    await load_demo(TODAY, scale=SMALL, storage=storage)
    attached = await HomeworkAttachment.all()
    assert {row.content_type for row in attached} == {"text/plain", "application/pdf", "image/png"}
    for row in attached:
        assert len(await storage.load(row.storage_key)) == row.size
    now = datetime.combine(TODAY, time(23), timezone(timedelta(hours=3)))
    news = await Announcement.all()
    assert {item.audience for item in news} == set(Audience)
    assert all(item.published_at <= now for item in news)
    meetings = await Meeting.all()
    assert any(m.starts_at > now for m in meetings) and any(m.minutes for m in meetings)
    assert await MeetingReply.filter(meeting__starts_at__gt=now).exists()
    assert await ConversationMessage.filter(conversation__kind=ConversationKind.DIRECT).count() >= 4
    # The database hands out fresh ids after the loader's own.
    newcomer = await Conversation.create(kind=ConversationKind.CLASS_GROUP, activity_at=now)
    others = await Conversation.exclude(id=newcomer.id).values_list("id", flat=True)
    assert newcomer.id > max(others)


async def test_without_a_storage_there_are_no_files(empty_db: TortoiseContext) -> None:
    await load_demo(TODAY, scale=SMALL)
    assert not await HomeworkAttachment.exists()
    assert not await AnnouncementAttachment.exists()
    assert await Announcement.exists()
