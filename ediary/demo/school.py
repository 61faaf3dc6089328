"""A deterministic demo school as of a given day: staff, families, a timetable and lessons
for the whole term (past and coming weeks), the journal up to that day, homework with files,
school and class news, teachers' blogs, parents' meetings with answers, conversations, and
requests to acknowledge."""

from __future__ import annotations

import asyncio
import itertools
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, TypeVar

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model
from tortoise.transactions import in_transaction

from ediary.demo import files as demo_files
from ediary.demo import names as words
from ediary.domain.auth import hash_password
from ediary.domain.enums import (
    AttendanceKind,
    Audience,
    ConversationKind,
    ExcuseKind,
    LessonStatus,
    MeetingAnswer,
    Role,
    WorkKind,
)
from ediary.domain.grading import DEFAULT_WEIGHTS, term_mark, weighted_average
from ediary.domain.journal.history import record_imported
from ediary.domain.models import (
    AcademicYear,
    Acknowledgement,
    AckRequest,
    AckTarget,
    Announcement,
    AnnouncementAttachment,
    Attendance,
    BellPeriod,
    Conversation,
    ConversationMessage,
    ConversationRead,
    Enrollment,
    FinalMark,
    Guardianship,
    Homework,
    HomeworkAttachment,
    Lesson,
    Mark,
    Meeting,
    MeetingReply,
    Region,
    Remark,
    RoleGrant,
    School,
    SchoolClass,
    Subject,
    TeachingAssignment,
    Term,
    User,
)
from ediary.domain.models.files import StoredFile
from ediary.domain.storage import AttachmentStorage
from ediary.domain.talk import signing

__all__ = ["DemoLogin", "DemoScale", "database_is_empty", "load_demo"]

PASSWORD = "demo"
SCHOOL_NAME = "Школа № 1517"
# Moscow has kept UTC+3 all year since 2014: a fixed offset needs no time zone database.
MSK = timezone(timedelta(hours=3))
GRADES = (5, 6, 7, 8, 9)
LETTERS = "АБВГДЕ"
FIRST_BELL = time(8, 30)
BREAKS = (10, 20, 20, 10, 10, 10)  # minutes after periods 1..6; a period lasts 45
TERMS = (((9, 1), (10, 24)), ((11, 3), (12, 28)), ((1, 12), (3, 20)), ((3, 30), (5, 31)))
PUBLIC_HOLIDAYS = frozenset({(11, 4), (2, 23), (3, 8), (5, 1), (5, 9)})
INSERT_ORDER: tuple[type[Model], ...] = (
    Region, School, AcademicYear, Term, BellPeriod, Subject, User, RoleGrant, SchoolClass,
    TeachingAssignment, Enrollment, Guardianship, Lesson, Homework, HomeworkAttachment, Mark,
    FinalMark, Attendance, Remark, Announcement, AnnouncementAttachment, Meeting, MeetingReply,
    Conversation, ConversationMessage, ConversationRead, AckRequest, AckTarget, Acknowledgement,
)  # fmt: skip
BATCH = 2000
M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class DemoLogin:
    """A ready account of the demo school, to try the diary as one role."""

    role: str
    login: str
    password: str
    note: str


@dataclass(frozen=True)
class DemoScale:
    """How big the demo school is."""

    classes: int = 10
    students_per_class: int = 25


async def database_is_empty() -> bool:
    """Whether the database has no school yet."""
    return not await School.exists()


async def load_demo(
    today: date,
    *,
    seed: int = 1,
    scale: DemoScale = DemoScale(),
    storage: AttachmentStorage | None = None,
) -> list[DemoLogin]:
    """Fill an empty database with the demo school as of `today`; the logins to try it with.

    Homework and announcement files are written to `storage` (the one the server reads);
    without one the demo has no files."""
    if not 1 <= scale.classes <= len(GRADES) * len(LETTERS):
        raise ValueError(f"classes must be in 1..{len(GRADES) * len(LETTERS)}")
    if scale.students_per_class < 1 or scale.classes * scale.students_per_class < 2:
        raise ValueError("the demo needs at least two students")
    if not await database_is_empty():
        raise RuntimeError("database is not empty")
    first_ids = {model: await _next_id(model) for model in INSERT_ORDER}
    password_hash = await asyncio.to_thread(hash_password, PASSWORD)
    demo = _Demo(today, random.Random(seed), first_ids, password_hash)
    # Building is pure CPU work on unsaved objects: keep the event loop free meanwhile.
    logins = await asyncio.to_thread(demo.build, scale)
    if storage is None:
        files: tuple[type[Model], ...] = (HomeworkAttachment, AnnouncementAttachment)
        for model in files:
            demo.rows[model] = []
    else:
        for row, data in demo.files:
            row.storage_key = await storage.save(data)
    async with in_transaction() as conn:
        for model in INSERT_ORDER:
            if demo.rows[model]:
                await model.bulk_create(demo.rows[model], batch_size=BATCH, using_db=conn)
        if conn.capabilities.dialect == "postgres":
            await _advance_sequences(conn, [m for m in INSERT_ORDER if demo.rows[m]])
        # Every mark starts its tamper-evident history, as if its teacher had posted it.
        await record_imported(conn, demo.rows[Mark], reason="")  # type: ignore[arg-type]
    return logins


async def _next_id(model: type[Model]) -> int:
    last = await model.all().order_by("-id").first()
    return int(last.pk) + 1 if last else 1


async def _advance_sequences(conn: BaseDBAsyncClient, models: list[type[Model]]) -> None:
    # Rows came with their ids: PostgreSQL's id sequences must skip past them.
    for model in models:
        table = model._meta.db_table
        await conn.execute_query(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), MAX(id)) FROM \"{table}\""
        )


def _academic_year_start(today: date) -> date:
    # June to August belong to the year that starts on the coming first of September.
    return date(today.year if today.month >= 6 else today.year - 1, 9, 1)


def _short(user: User) -> str:
    return f"{user.last_name} {user.first_name}"


@dataclass
class _Teacher:
    user: User
    group: str
    room: str
    load: int = 0
    homerooms: int = 0


@dataclass
class _Class:
    model: SchoolClass
    name: str
    grade: int
    students: list[int] = field(default_factory=list)
    # weekday (0 = Monday) -> [(period, subject index)]
    timetable: dict[int, list[tuple[int, int]]] = field(default_factory=dict)


class _Demo:
    """Builds every row of the demo school in memory, with ids assigned up front."""

    def __init__(
        self, today: date, rng: random.Random, first_ids: dict[type[Model], int], pw: str
    ) -> None:
        self.today = today
        self.rng = rng
        self.password_hash = pw
        self.rows: dict[type[Model], list[Model]] = {model: [] for model in INSERT_ORDER}
        self._ids = dict(first_ids)
        self.subjects: list[Subject] = []
        self.classes: list[_Class] = []
        self.teachers: list[_Teacher] = []
        self.teacher_of: dict[tuple[int, int], _Teacher] = {}  # (class index, subject index)
        self.ability: dict[int, float] = {}
        self.families: list[tuple[list[User], list[tuple[str, User]]]] = []
        self.busy: set[tuple[int, int, int]] = set()  # (teacher id, weekday, period)
        self.cancelled: set[tuple[int, int, date]] = set()  # (class id, subject index, date)
        self.lesson_dates: dict[int, date] = {}  # lesson id -> date
        # Rows of attached files, and the bytes each stands for (stored by load_demo).
        self.files: list[tuple[StoredFile, bytes]] = []

    def add(self, model: type[M], **values: Any) -> M:
        obj = model(id=self._ids[model], **values)
        self._ids[model] += 1
        self.rows[model].append(obj)
        return obj

    def build(self, scale: DemoScale) -> list[DemoLogin]:
        self._school()
        self._classes(scale.classes)
        self._staff()
        self._families(scale.students_per_class)
        for index in range(len(self.classes)):
            self._plan_timetable(index)
        lessons = self._lessons()
        self._journal(lessons)
        self._homework_files()
        self._news()
        self._meetings()
        self._conversations()
        self._acknowledgements()
        return self._logins()

    # --- people ----------------------------------------------------------------------------

    def user(self, role: Role, last: str, first: str, middle: str) -> User:
        uid = self._ids[User]
        user = self.add(
            User,
            login=f"{words.translit(first)[0]}.{words.translit(last)}.{uid}",
            password_hash=self.password_hash,
            last_name=last,
            first_name=first,
            middle_name=middle,
        )
        if role is Role.REGIONAL_OFFICIAL:
            self.add(RoleGrant, user_id=uid, role=role, region_id=self.region.id)
        else:
            self.add(RoleGrant, user_id=uid, role=role, school_id=self.school.id)
        return user

    def adult(self, role: Role, female: bool | None = None) -> User:
        if female is None:
            female = self.rng.random() < 0.5
        last = self.rng.choice(words.SURNAMES)
        first = self.rng.choice(words.ADULT_FEMALE if female else words.ADULT_MALE)
        middle = words.patronymic(self.rng.choice(words.ADULT_MALE), female)
        return self.user(role, words.feminine(last) if female else last, first, middle)

    # --- structure -------------------------------------------------------------------------

    def _school(self) -> None:
        self.region = self.add(Region, code="demo", name="Demo region")
        self.school = self.add(
            School, region_id=self.region.id, name=f"ГБОУ «{SCHOOL_NAME}»", short_name=SCHOOL_NAME
        )
        start = _academic_year_start(self.today)
        self.year = self.add(
            AcademicYear,
            school_id=self.school.id,
            name=f"{start.year}/{start.year + 1}",
            starts_on=start,
            ends_on=date(start.year + 1, 5, 31),
        )

        def day(month_day: tuple[int, int]) -> date:
            return date(start.year + (month_day[0] < 9), *month_day)

        self.terms = [
            self.add(
                Term,
                academic_year_id=self.year.id,
                number=number,
                starts_on=day(begin),
                ends_on=day(end),
            )
            for number, (begin, end) in enumerate(TERMS, start=1)
        ]
        self.bells: list[tuple[time, time]] = []
        moment = datetime.combine(start, FIRST_BELL)
        for number, rest in enumerate((*BREAKS, 0), start=1):
            ends = moment + timedelta(minutes=45)
            self.bells.append((moment.time(), ends.time()))
            self.add(
                BellPeriod,
                school_id=self.school.id,
                number=number,
                starts_at=moment.time(),
                ends_at=ends.time(),
            )
            moment = ends + timedelta(minutes=rest)
        self.subjects = [
            self.add(Subject, school_id=self.school.id, name=spec.name, short_name=spec.short_name)
            for spec in words.SUBJECTS
        ]

    def _classes(self, count: int) -> None:
        per_grade = -(-count // len(GRADES))
        names = [(g, letter) for letter in LETTERS[:per_grade] for g in GRADES][:count]
        for grade, letter in sorted(names):
            model = self.add(
                SchoolClass,
                school_id=self.school.id,
                academic_year_id=self.year.id,
                grade=grade,
                letter=letter,
            )
            self.classes.append(_Class(model, f"{grade}{letter}", grade))

    def _hours(self, cls: _Class, subject: int) -> int:
        return words.SUBJECTS[subject].hours[cls.grade - GRADES[0]]

    def _staff(self) -> None:
        groups: dict[str, int] = defaultdict(int)
        for cls in self.classes:
            for index, spec in enumerate(words.SUBJECTS):
                groups[spec.group] += self._hours(cls, index)
        rooms = (f"{1 + n // 12}{1 + n % 12:02d}" for n in itertools.count(4))
        for group, hours in groups.items():
            # About 18 lessons a week each, a common teacher's load.
            for _ in range(max(1, round(hours / 18)) if hours else 0):
                user = self.adult(Role.TEACHER, female=self.rng.random() < 0.8)
                room = "Спортзал" if group == "pe" else next(rooms)
                self.teachers.append(_Teacher(user, group, room))
        self.rooms = sorted({t.room for t in self.teachers} | {"Актовый зал", "Библиотека"})
        for ci, cls in enumerate(self.classes):
            chosen: dict[str, _Teacher] = {}
            for si, spec in enumerate(words.SUBJECTS):
                hours = self._hours(cls, si)
                if not hours:
                    continue
                if spec.group not in chosen:
                    pool = [t for t in self.teachers if t.group == spec.group]
                    chosen[spec.group] = min(pool, key=lambda t: t.load)
                teacher = chosen[spec.group]
                teacher.load += hours
                self.teacher_of[ci, si] = teacher
                self.add(
                    TeachingAssignment,
                    teacher_id=teacher.user.id,
                    school_class_id=cls.model.id,
                    subject_id=self.subjects[si].id,
                )
            own = list(chosen.values())
            free = [t for t in own if t.homerooms == 0 and t.group != "pe"] or own
            homeroom = self.rng.choice(sorted(free, key=lambda t: (t.homerooms, t.user.id)))
            homeroom.homerooms += 1
            cls.model.class_teacher_id = homeroom.user.id
        self.admin = self.adult(Role.SCHOOL_ADMIN)
        self.nurse = self.adult(Role.HEALTH_WORKER, female=True)
        self.official = self.adult(Role.REGIONAL_OFFICIAL)

    def _families(self, per_class: int) -> None:
        seats = [ci for ci in range(len(self.classes)) for _ in range(per_class)]
        order = list(range(len(seats)))
        self.rng.shuffle(order)
        # The showcase family: one child in the top class, one in the first (or the same).
        showcase = [len(seats) - per_class, 0] if len(self.classes) > 1 else [0, 1]
        taken = set(showcase)
        groups = [showcase]
        for seat in order:
            if seat in taken:
                continue
            taken.add(seat)
            group = [seat]
            if self.rng.random() < 0.1:
                sibling = next(
                    (s for s in order if s not in taken and seats[s] != seats[seat]), None
                )
                if sibling is not None:
                    taken.add(sibling)
                    group.append(sibling)
            groups.append(group)
        for number, group in enumerate(groups):
            self._family([self.classes[seats[s]] for s in group], showcase=number == 0)

    def _family(self, classes: list[_Class], *, showcase: bool) -> None:
        rng = self.rng
        surname, father = rng.choice(words.SURNAMES), rng.choice(words.ADULT_MALE)
        children: list[User] = []
        used: set[str] = set()
        for cls in classes:
            female = rng.random() < 0.5
            pool = [
                n for n in (words.CHILD_FEMALE if female else words.CHILD_MALE) if n not in used
            ]
            first = rng.choice(pool)
            used.add(first)
            last = words.feminine(surname) if female else surname
            child = self.user(Role.STUDENT, last, first, words.patronymic(father, female))
            self.ability[child.id] = min(4.9, max(3.0, rng.gauss(4.15, 0.45)))
            cls.students.append(child.id)
            self.add(
                Enrollment,
                student_id=child.id,
                school_class_id=cls.model.id,
                starts_on=self.year.starts_on,
            )
            children.append(child)
        parents: list[tuple[str, User]] = []
        if showcase or rng.random() > 0.04:  # a few families never asked for an account
            has_mother = showcase or rng.random() < 0.9
            if has_mother:
                middle = words.patronymic(rng.choice(words.ADULT_MALE), True)
                first = rng.choice(words.ADULT_FEMALE)
                parents.append(
                    ("mother", self.user(Role.PARENT, words.feminine(surname), first, middle))
                )
            if not showcase and (rng.random() < 0.5 or not has_mother):
                middle = words.patronymic(rng.choice(words.ADULT_MALE), False)
                parents.append(("father", self.user(Role.PARENT, surname, father, middle)))
        for relation, parent in parents:
            for child in children:
                self.add(Guardianship, parent_id=parent.id, student_id=child.id, relation=relation)
        self.families.append((children, parents))

    # --- timetable and lessons -------------------------------------------------------------

    def _plan_timetable(self, ci: int) -> None:
        cls = self.classes[ci]
        items = [
            (si, self.teacher_of[ci, si].user.id)
            for si in range(len(words.SUBJECTS))
            for _ in range(self._hours(cls, si))
        ]
        # Strict first; relax only if a teacher clash cannot be avoided by retrying.
        for per_day, clash_ok in ((1, False), (2, False), (2, True), (len(items), True)):
            for _attempt in range(40):
                placed = self._try_place(cls, items, per_day, clash_ok)
                if placed is not None:
                    for (weekday, period), (si, teacher_id) in sorted(placed.items()):
                        cls.timetable.setdefault(weekday, []).append((period, si))
                        self.busy.add((teacher_id, weekday, period))
                    return
        raise AssertionError("a timetable always fits without constraints")

    def _try_place(
        self, cls: _Class, items: list[tuple[int, int]], per_day: int, clash_ok: bool
    ) -> dict[tuple[int, int], tuple[int, int]] | None:
        rng = self.rng
        base, extra = divmod(len(items), 5)
        long_days = set(rng.sample(range(5), extra))
        free = [
            (weekday, period)
            for weekday in range(5)
            for period in range(1, base + (weekday in long_days) + 1)
        ]
        order = sorted(items, key=lambda item: (-self._hours(cls, item[0]), rng.random()))
        count: dict[tuple[int, int], int] = defaultdict(int)
        placed: dict[tuple[int, int], tuple[int, int]] = {}
        for si, teacher_id in order:
            limit = max(per_day, 2 if self._hours(cls, si) > 5 else 1)
            options = [
                slot
                for slot in free
                if count[si, slot[0]] < limit and (clash_ok or (teacher_id, *slot) not in self.busy)
            ]
            if not options:
                return None
            fewest = min(count[si, weekday] for weekday, _ in options)
            slot = rng.choice([s for s in options if count[si, s[0]] == fewest])
            free.remove(slot)
            count[si, slot[0]] += 1
            placed[slot] = (si, teacher_id)
        return placed

    def _is_school_day(self, day: date) -> bool:
        return (
            day.weekday() < 5
            and (day.month, day.day) not in PUBLIC_HOLIDAYS
            and any(t.starts_on <= day <= t.ends_on for t in self.terms)
        )

    def _last_lesson_day(self) -> date:
        """The timetable runs to the end of the current term, and at least to the end of the
        week after next (past a short holiday), so that coming weeks are not empty and
        forecasts have lessons left. Before the year starts there is no timetable yet."""
        if self.today < self.year.starts_on:
            return self.today
        term = next((t for t in self.terms if self.today <= t.ends_on), None)
        end = term.ends_on if term is not None else self.year.ends_on
        ahead = self.today + timedelta(days=20 - self.today.weekday())
        return min(max(end, ahead), self.year.ends_on)

    def _lessons(self) -> list[Lesson]:
        last = self._last_lesson_day()
        lessons: list[Lesson] = []
        day = self.year.starts_on
        while day <= last:
            if self._is_school_day(day):
                for ci, cls in enumerate(self.classes):
                    for period, si in cls.timetable.get(day.weekday(), []):
                        teacher = self.teacher_of[ci, si]
                        lesson = self.add(
                            Lesson,
                            school_class_id=cls.model.id,
                            subject_id=self.subjects[si].id,
                            teacher_id=teacher.user.id,
                            date=day,
                            period=period,
                            room=teacher.room,
                        )
                        self._maybe_change(lesson, teacher, self.rng.random())
                        lessons.append(lesson)
                        self.lesson_dates[lesson.id] = day
            day += timedelta(days=1)
        self._showcase_changes(lessons)
        for lesson in lessons:
            if lesson.status is LessonStatus.CANCELLED:
                si = self._subject_index(lesson)
                self.cancelled.add((lesson.school_class_id, si, lesson.date))
        return lessons

    def _subject_index(self, lesson: Lesson) -> int:
        return lesson.subject_id - self.subjects[0].id

    def _maybe_change(self, lesson: Lesson, teacher: _Teacher, roll: float) -> bool:
        rng = self.rng
        if roll < 0.01:
            lesson.status = LessonStatus.CANCELLED
            lesson.change_note = rng.choice(words.CANCEL_NOTES)
        elif roll < 0.03:
            key = (lesson.date.weekday(), lesson.period)
            idle = [t for t in self.teachers if (t.user.id, *key) not in self.busy]
            same = [t for t in idle if t.group == teacher.group]
            if not idle:
                return False
            substitute = rng.choice(same or idle)
            lesson.status = LessonStatus.SUBSTITUTED
            lesson.substitute_teacher_id = substitute.user.id
            lesson.change_note = (
                f"{rng.choice(words.SUBSTITUTE_NOTES)}, ведёт {_short(substitute.user)}"
            )
        elif roll < 0.05 and teacher.group != "pe":
            lesson.scheduled_room = lesson.room
            lesson.room = rng.choice([r for r in self.rooms if r != lesson.room])
            lesson.change_note = f"Урок перенесён в кабинет «{lesson.room}»"
        else:
            return False
        return True

    def _showcase_changes(self, lessons: list[Lesson]) -> None:
        # The showcase student's current week shows each kind of timetable change.
        monday = self.today - timedelta(days=self.today.weekday())
        sunday = monday + timedelta(days=6)
        class_id = self.classes[-1].model.id
        week = [x for x in lessons if x.school_class_id == class_id and monday <= x.date <= sunday]
        for roll in (0.0, 0.02, 0.04):
            plain = [x for x in week if x.status is LessonStatus.HELD and x.scheduled_room is None]
            for lesson in self.rng.sample(plain, len(plain)):
                teacher = self.teacher_of[self._class_index(class_id), self._subject_index(lesson)]
                if self._maybe_change(lesson, teacher, roll):
                    break

    def _class_index(self, class_id: int) -> int:
        return class_id - self.classes[0].model.id

    # --- journal -----------------------------------------------------------------------------

    def _journal(self, lessons: list[Lesson]) -> None:
        sick = self._sick_days()
        progress: dict[tuple[int, int], int] = defaultdict(int)  # lessons held so far
        ended = {t.id for t in self.terms if t.ends_on < self.today}
        term_marks: dict[tuple[int, int, int, int], list[tuple[int, int]]] = defaultdict(list)
        for lesson in lessons:
            if lesson.date > self.today or lesson.status is LessonStatus.CANCELLED:
                continue
            ci, si = self._class_index(lesson.school_class_id), self._subject_index(lesson)
            cls = self.classes[ci]
            lesson.topic, paragraph, title, test_kind = self._topic(cls, si, progress[ci, si])
            progress[ci, si] += 1
            test = test_kind is not None
            author = lesson.substitute_teacher_id or lesson.teacher_id
            starts = datetime.combine(lesson.date, self.bells[lesson.period - 1][0], MSK)
            written = datetime.combine(lesson.date, self.bells[lesson.period - 1][1], MSK)
            present = self._attendance(lesson, cls, sick, author, starts)
            self._homework(lesson, ci, si, paragraph, title, test, author, written)
            term = next(t for t in self.terms if t.starts_on <= lesson.date <= t.ends_on)
            for student, value, weight in self._marks(
                lesson, si, present, test, test_kind, author, term, written
            ):
                if term.id in ended:
                    term_marks[term.id, student, ci, si].append((value, weight))
            if present and self.rng.random() < 0.03:
                kind, text = self.rng.choice(words.REMARKS)
                self.add(
                    Remark,
                    lesson_id=lesson.id,
                    student_id=self.rng.choice(present),
                    kind=kind,
                    text=text,
                    author_id=author,
                    created_at=written,
                )
        for (term_id, student, ci, si), marks in term_marks.items():
            final = term_mark(weighted_average(marks))
            term = next(t for t in self.terms if t.id == term_id)
            if final is not None:
                self.add(
                    FinalMark,
                    student_id=student,
                    subject_id=self.subjects[si].id,
                    academic_year_id=self.year.id,
                    term_id=term_id,
                    value=final,
                    author_id=self.teacher_of[ci, si].user.id,
                    created_at=datetime.combine(term.ends_on, time(16), MSK),
                )

    def _topic(self, cls: _Class, si: int, held: int) -> tuple[str, int, str, WorkKind | None]:
        """The topic of the next lesson, its paragraph and title, and the kind of test if any."""
        spec = words.SUBJECTS[si]
        taught = [g for g in GRADES if spec.hours[g - GRADES[0]]]
        topics = spec.topics
        if len(taught) > 1:
            # Each grade covers its own stretch of the list, later grades further along.
            size = len(topics) // 2
            start = taught.index(cls.grade) * (len(topics) - size) // (len(taught) - 1)
            topics = topics[start : start + size]
        # A topic lasts long enough for the grade's stretch to fill the ~33 weeks of a year.
        span = -(-self._hours(cls, si) * 33 // len(topics))
        block = held // span
        number = min(block, len(topics) - 1)
        title = topics[number]
        every = -(-8 // span)  # a test closes every few topics, at least 8 lessons apart
        if held % span == span - 1 and block % every == every - 1:
            kind = spec.tests[(block // every) % len(spec.tests)]
            return words.TEST_TOPICS[kind].format(topic=title), number + 1, title, kind
        suffix = "" if held % span == 0 else self.rng.choice(words.TOPIC_SUFFIXES)
        topic = f"§{number + 1}. {title}{suffix}" if spec.paragraphs else title + suffix
        return topic, number + 1, title, None

    def _sick_days(self) -> dict[tuple[int, date], bool]:
        """(student, day) -> whether that day's absences are already excused."""
        days = [
            self.year.starts_on + timedelta(days=n)
            for n in range((self.today - self.year.starts_on).days + 1)
        ]
        days = [d for d in days if self._is_school_day(d)]
        recent = self.today - timedelta(days=3)
        sick: dict[tuple[int, date], bool] = {}
        for cls in self.classes:
            for student in cls.students:
                n = 0
                while n < len(days):
                    if self.rng.random() < 0.013:
                        spell = days[n : n + self.rng.randint(2, 5)]
                        # A note for an illness that has just ended is usually still on its way.
                        excused = spell[-1] < recent
                        for day in spell:
                            sick[student, day] = excused
                        n += len(spell) + 3
                    else:
                        n += 1
        return sick

    def _attendance(
        self,
        lesson: Lesson,
        cls: _Class,
        sick: dict[tuple[int, date], bool],
        author: int,
        at: datetime,
    ) -> list[int]:
        rng = self.rng
        present: list[int] = []
        late_chance = 0.03 if lesson.period == 1 else 0.003
        for student in cls.students:
            values: dict[str, Any] = {}
            roll = rng.random()
            if (student, lesson.date) in sick:
                excused = sick[student, lesson.date]
                values = {
                    "kind": AttendanceKind.ABSENT,
                    "excused": excused,
                    "excuse_kind": ExcuseKind.MEDICAL if excused else None,
                    "reason": words.SICK_REASON if excused else "",
                }
            elif roll < 0.008:
                values = {"kind": AttendanceKind.ABSENT}
                if roll < 0.002:
                    values |= {"excused": True, "excuse_kind": ExcuseKind.PARENT_NOTE}
                    values["reason"] = rng.choice(words.ABSENCE_REASONS)
                elif roll < 0.003:
                    values |= {"excused": True, "excuse_kind": ExcuseKind.SCHOOL}
                    values["reason"] = rng.choice(words.SCHOOL_REASONS)
            elif roll < 0.008 + late_chance:
                values = {"kind": AttendanceKind.LATE, "minutes_late": rng.randint(2, 15)}
            if values:
                self.add(
                    Attendance,
                    lesson_id=lesson.id,
                    date=lesson.date,
                    student_id=student,
                    recorded_by_id=author,
                    created_at=at,
                    **values,
                )
            if values.get("kind") is not AttendanceKind.ABSENT:
                present.append(student)
        return present

    def _homework(
        self,
        lesson: Lesson,
        ci: int,
        si: int,
        paragraph: int,
        title: str,
        test: bool,
        author: int,
        written: datetime,
    ) -> None:
        rng = self.rng
        spec = words.SUBJECTS[si]
        if rng.random() >= (0.05 if spec.group == "pe" else 0.5 if test else 0.85):
            return
        n1 = rng.randint(1, 600)
        n2, chapter = n1 + rng.randint(1, 5), rng.randint(1, 30)
        text = rng.choice(spec.homework).format(
            p=paragraph,
            n1=n1,
            n2=n2,
            n3=n2 + rng.randint(1, 5),
            a=chapter,
            b=chapter + rng.randint(1, 3),
            q=rng.randint(3, 8),
            page=rng.randint(10, 250),
            topic=title,
        )
        self.add(
            Homework,
            lesson_id=lesson.id,
            text=text,
            due_on=self._next_lesson_day(ci, si, lesson.date),
            author_id=author,
            created_at=written,
        )

    def _next_lesson_day(self, ci: int, si: int, after: date) -> date:
        cls = self.classes[ci]
        weekdays = {w for w, row in cls.timetable.items() if any(s == si for _, s in row)}
        for n in range(1, 40):
            day = after + timedelta(days=n)
            if (
                day.weekday() in weekdays
                and self._is_school_day(day)
                and (cls.model.id, si, day) not in self.cancelled
            ):
                return day
        return after + timedelta(days=2)

    def _marks(
        self,
        lesson: Lesson,
        si: int,
        present: list[int],
        test: bool,
        test_kind: WorkKind | None,
        author: int,
        term: Term,
        written: datetime,
    ) -> list[tuple[int, int, int]]:
        rng = self.rng
        if test:
            graded = [s for s in present if rng.random() < 0.9]
        else:
            share = rng.uniform(0.10, 0.20)
            graded = rng.sample(present, min(len(present), round(share * len(present) + 0.5)))
        given: list[tuple[int, int, int]] = []
        for student in graded:
            if test_kind is not None:
                kind = test_kind
            elif words.SUBJECTS[si].group == "pe":
                kind = WorkKind.CLASSWORK
            else:
                kind = rng.choices(words.REGULAR_WORK, words.REGULAR_WORK_ODDS)[0]
            mean = self.ability[student] - (0.2 if test else 0.0)
            value = min(5, max(2, round(rng.gauss(mean, 0.75))))
            weight = DEFAULT_WEIGHTS[kind]
            comment = rng.choice(words.MARK_COMMENTS[value]) if rng.random() < 0.1 else ""
            self.add(
                Mark,
                student_id=student,
                lesson_id=lesson.id,
                school_class_id=lesson.school_class_id,
                subject_id=lesson.subject_id,
                term_id=term.id,
                date=lesson.date,
                value=value,
                weight=weight,
                kind=kind,
                comment=comment,
                author_id=author,
                created_at=written,
            )
            given.append((student, value, weight))
        return given

    # --- files, school life, conversations --------------------------------------------------

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), MSK)

    def _homework_files(self) -> None:
        """Files on the showcase family's recent homework: every third item of the last two
        weeks, and always the latest one of the showcase student's class."""
        showcase = {self.classes[-1].model.id, self.classes[0].model.id}
        since = self.today - timedelta(days=13)
        lesson_class = {
            lesson.id: lesson.school_class_id
            for lesson in self.rows[Lesson]
            if isinstance(lesson, Lesson) and since <= lesson.date <= self.today
        }
        recent = [
            item
            for item in self.rows[Homework]
            if isinstance(item, Homework) and lesson_class.get(item.lesson_id) in showcase
        ]
        latest = [h for h in recent if lesson_class[h.lesson_id] == self.classes[-1].model.id]
        chosen = [*recent[::3], latest[-1]] if latest else recent[::3]
        for number, item in enumerate(dict.fromkeys(chosen)):
            name, content_type = words.HOMEWORK_FILES[number % len(words.HOMEWORK_FILES)]
            if content_type == "application/pdf":
                data = demo_files.pdf_file(["Domashnee zadanie", words.translit(item.text)])
            elif content_type == "image/png":
                data = demo_files.png_file(item.id)
            else:
                data = demo_files.text_file("Домашнее задание", item.text)
            self.file(
                HomeworkAttachment,
                data,
                homework_id=item.id,
                filename=name,
                content_type=content_type,
                created_at=item.created_at,
            )

    def file(self, model: type[StoredFile], data: bytes, **values: Any) -> None:
        # The storage key is the storage's to make: load_demo sets it when it saves the bytes.
        row = self.add(model, size=len(data), storage_key=f"pending{self._ids[model]}", **values)
        self.files.append((row, data))

    def _news(self) -> None:
        count = len(words.SCHOOL_NEWS)
        for number, (kind, title, text) in enumerate(words.SCHOOL_NEWS):
            self.add(
                Announcement,
                audience=Audience.SCHOOL,
                kind=kind,
                school_id=self.school.id,
                author_id=self.admin.id,
                title=title,
                text=text.format(school=SCHOOL_NAME),
                published_at=self.at(self.today - timedelta(days=4 * (count - number)), 10),
                created_at=self.at(self.today - timedelta(days=4 * (count - number)), 10),
            )
        for cls in self.classes:
            for days_ago, (kind, title, text) in zip((9, 2), words.CLASS_NEWS, strict=True):
                moment = self.at(self.today - timedelta(days=days_ago), 16)
                self.add(
                    Announcement,
                    audience=Audience.CLASS,
                    kind=kind,
                    school_id=self.school.id,
                    school_class_id=cls.model.id,
                    author_id=cls.model.class_teacher_id,
                    title=title.format(cls=cls.name),
                    text=text,
                    published_at=moment,
                    created_at=moment,
                )
        blogger = self.classes[-1].model.class_teacher_id
        for number, (title, text) in enumerate(words.BLOG_ENTRIES):
            moment = self.at(self.today - timedelta(days=6 - 5 * number), 20)
            entry = self.add(
                Announcement,
                audience=Audience.BLOG,
                author_id=blogger,
                title=title,
                text=text,
                published_at=moment,
                created_at=moment,
            )
            if number == 0:
                lines = ["Tipichnye oshibki", "1. Znaki pri perenose", "2. Edinicy izmereniya"]
                self.file(
                    AnnouncementAttachment,
                    demo_files.pdf_file(lines),
                    announcement_id=entry.id,
                    filename="oshibki.pdf",
                    content_type="application/pdf",
                    created_at=moment,
                )

    def _parents_of(self) -> dict[int, list[int]]:
        found: dict[int, list[int]] = defaultdict(list)
        for children, parents in self.families:
            for child in children:
                found[child.id].extend(parent.id for _, parent in parents)
        return found

    def _meetings(self) -> None:
        """A past meeting with minutes and a coming one for every class, and a coming school
        meeting; parents answered most invitations, the showcase mother all of hers."""
        parents_of = self._parents_of()
        showcase_mother = self.families[0][1][0][1].id
        past_day = self.today - timedelta(days=20)
        next_day = self.today + timedelta(days=8)
        for cls in self.classes:
            past_title, agenda, minutes = words.CLASS_MEETING_PAST
            past = self.add(
                Meeting,
                audience=Audience.CLASS,
                school_id=self.school.id,
                school_class_id=cls.model.id,
                author_id=cls.model.class_teacher_id,
                title=past_title,
                starts_at=self.at(past_day, 18, 30),
                ends_at=self.at(past_day, 19, 30),
                place=words.MEETING_PLACE,
                agenda=agenda,
                minutes=minutes,
                minutes_added_at=self.at(past_day, 21),
                created_at=self.at(past_day - timedelta(days=10), 12),
            )
            title, agenda = words.CLASS_MEETING_NEXT
            coming = self.add(
                Meeting,
                audience=Audience.CLASS,
                school_id=self.school.id,
                school_class_id=cls.model.id,
                author_id=cls.model.class_teacher_id,
                title=title,
                starts_at=self.at(next_day, 18, 30),
                ends_at=self.at(next_day, 19, 30),
                place=f"Кабинет классного руководителя {cls.name}",
                agenda=agenda,
                created_at=self.at(self.today - timedelta(days=3), 12),
            )
            for meeting, answered in ((past, past_day - timedelta(days=3)), (coming, self.today)):
                for student in cls.students:
                    for parent in parents_of[student]:
                        if parent != showcase_mother and self.rng.random() > 0.6:
                            continue
                        attends = parent == showcase_mother or self.rng.random() < 0.85
                        self.add(
                            MeetingReply,
                            meeting_id=meeting.id,
                            parent_id=parent,
                            student_id=student,
                            answer=MeetingAnswer.WILL_ATTEND
                            if attends
                            else MeetingAnswer.CANNOT_ATTEND,
                            # The day before: an answer given "today" may lie in the future.
                            answered_at=self.at(answered - timedelta(days=1), 20),
                        )
        title, agenda = words.SCHOOL_MEETING_NEXT
        school_day = self.today + timedelta(days=12)
        self.add(
            Meeting,
            audience=Audience.SCHOOL,
            school_id=self.school.id,
            author_id=self.admin.id,
            title=title,
            starts_at=self.at(school_day, 18),
            ends_at=self.at(school_day, 19, 30),
            place=words.MEETING_PLACE,
            online_url="https://meet.example.org/school-1517",
            agenda=agenda,
            created_at=self.at(self.today - timedelta(days=2), 9),
        )

    def _conversations(self) -> None:
        """The showcase mother's thread with the class teacher about her child (the last
        answer still unread), and the class group of the showcase class."""
        cls = self.classes[-1]
        teacher = cls.model.class_teacher_id
        assert teacher is not None  # every class was given one in _staff
        children, parents = self.families[0]
        child = children[0]
        mother = parents[0][1].id
        start = self.today - timedelta(days=3)
        thread = self.add(
            Conversation,
            kind=ConversationKind.DIRECT,
            unique_key=f"direct:{mother}:{teacher}:{child.id}",
            student_id=child.id,
            parent_id=mother,
            teacher_id=teacher,
            created_at=self.at(start, 19),
            activity_at=self.at(start, 19),
        )
        last_read: dict[int, tuple[int, datetime]] = {}
        for number, (from_parent, text) in enumerate(words.DIRECT_THREAD):
            moment = self.at(start + timedelta(days=number // 2), 19 + number % 2, 15)
            author = mother if from_parent else teacher
            message = self.add(
                ConversationMessage,
                conversation_id=thread.id,
                author_id=author,
                text=text.format(child=child.first_name),
                created_at=moment,
            )
            thread.activity_at = moment
            last_read[author] = (message.id, moment)
        for user, (message_id, moment) in last_read.items():
            self.add(
                ConversationRead,
                conversation_id=thread.id,
                user_id=user,
                last_read_message_id=message_id,
                read_at=moment,
            )
        group = self.add(
            Conversation,
            kind=ConversationKind.CLASS_GROUP,
            unique_key=f"class:{cls.model.id}",
            school_class_id=cls.model.id,
            created_at=self.at(self.today - timedelta(days=10), 9),
            activity_at=self.at(self.today - timedelta(days=10), 9),
        )
        for days_ago, text in zip((10, 6, 1), words.CLASS_GROUP_MESSAGES, strict=True):
            moment = self.at(self.today - timedelta(days=days_ago), 17)
            message = self.add(
                ConversationMessage,
                conversation_id=group.id,
                author_id=teacher,
                text=text,
                created_at=moment,
            )
            group.activity_at = moment
        self.add(
            ConversationRead,
            conversation_id=group.id,
            user_id=teacher,
            last_read_message_id=message.id,
            read_at=group.activity_at,
        )

    def _acknowledgements(self) -> None:
        """A trip notice for every class from its class teacher, two days ago; about half the
        parents have acknowledged it (unsigned: the demo holds no parent's key), the showcase
        mother not yet, so she has one to sign."""
        parents_of = self._parents_of()
        showcase_mother = self.families[0][1][0][1].id
        title, text = words.ACK_REQUEST
        sent = self.at(self.today - timedelta(days=2), 15)
        for cls in self.classes:
            request = self.add(
                AckRequest,
                school_class_id=cls.model.id,
                author_id=cls.model.class_teacher_id,
                title=title,
                text=text,
                text_sha256=signing.text_sha256(text),
                created_at=sent,
            )
            for student in cls.students:
                self.add(AckTarget, request_id=request.id, student_id=student)
                for parent in parents_of[student]:
                    if parent == showcase_mother or self.rng.random() < 0.5:
                        continue
                    self.add(
                        Acknowledgement,
                        request_id=request.id,
                        student_id=student,
                        parent_id=parent,
                        acknowledged_at=self.at(self.today - timedelta(days=1), 20),
                    )

    # --- logins ------------------------------------------------------------------------------

    def _logins(self) -> list[DemoLogin]:
        children, parents = self.families[0]
        ci = len(self.classes) - 1
        cls = self.classes[ci]
        kids = " and ".join(f"{_short(c)} ({self._class_of(c.id)})" for c in children)
        logins = [self._login("parent", "parent", parents[0][1], f"mother of {kids}")]
        for kids_of, adults in self.families[1:]:
            if len(kids_of) == 1 and kids_of[0].id in cls.students and adults:
                relation, parent = adults[-1]
                note = f"{relation} of {_short(kids_of[0])} ({cls.name}) only"
                logins.append(self._login("parent", "parent2", parent, note))
                break
        logins.append(self._login("student", "student", children[0], f"student of {cls.name}"))
        homeroom = next(t for t in self.teachers if t.user.id == cls.model.class_teacher_id)
        own = [t for (c, _), t in self.teacher_of.items() if c == ci and t is not homeroom]
        # Prefer a mathematics teacher: marks and tests are frequent there.
        teacher = min(own, key=lambda t: (t.group != "math", t.user.id), default=homeroom)
        logins += [
            self._login("teacher", "teacher", teacher.user, self._teaches(teacher)),
            self._login(
                "class teacher",
                "classteacher",
                homeroom.user,
                f"class teacher of {cls.name}; {self._teaches(homeroom)}",
            ),
            self._login("school administrator", "admin", self.admin, SCHOOL_NAME),
            self._login("health worker", "nurse", self.nurse, SCHOOL_NAME),
            self._login("regional official", "official", self.official, "Demo region"),
        ]
        return logins

    def _teaches(self, teacher: _Teacher) -> str:
        subjects = {
            words.SUBJECTS[si].name: None for (_, si), t in self.teacher_of.items() if t is teacher
        }
        classes = {
            self.classes[ci].name: None for (ci, _), t in self.teacher_of.items() if t is teacher
        }
        return f"teaches {', '.join(subjects)} in {', '.join(classes)}"

    def _class_of(self, student_id: int) -> str:
        return next(c.name for c in self.classes if student_id in c.students)

    def _login(self, role: str, login: str, user: User, note: str) -> DemoLogin:
        user.login = login
        return DemoLogin(role, login, PASSWORD, f"{_short(user)}, {note}")
