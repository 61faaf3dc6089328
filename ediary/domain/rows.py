"""Plain rows for the hot read paths (a student's week, a class journal): lessons, marks,
the people and subjects they name, bells, homework with its files and attendance, the class,
term and students of a journal, read without a Tortoise model built for them.

The schema's types read the same attributes from these as from the models, so a week's
lesson costs a few tuples rather than a model per row and a second statement per relation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet

from ediary.domain.enums import AttendanceKind, ExcuseKind, LessonStatus, WorkKind
from ediary.domain.models import Attendance, Homework, Lesson
from ediary.domain.models.people import full_name


@dataclass(frozen=True)
class SubjectRow:
    """A subject as lessons, marks and averages name it."""

    id: int
    name: str
    short_name: str


@dataclass(frozen=True)
class PersonRow:
    """A teacher or author as a lesson or a mark names them."""

    id: int
    last_name: str
    first_name: str
    middle_name: str

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)


@dataclass(frozen=True)
class StudentRow:
    """A student as a class register names them."""

    id: int
    login: str
    last_name: str
    first_name: str
    middle_name: str

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)


@dataclass(frozen=True)
class SchoolClassRow:
    """A class with the keys its school, year and class teacher are found by."""

    id: int
    school_id: int
    academic_year_id: int
    grade: int
    letter: str
    class_teacher_id: int | None

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"


@dataclass(frozen=True)
class TermRow:
    """A term of an academic year."""

    id: int
    academic_year_id: int
    number: int
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class LessonRow:
    """A lesson with its subject and teachers, the attributes of `models.Lesson`."""

    id: int
    school_class_id: int
    date: date
    period: int
    subject: SubjectRow
    teacher: PersonRow
    substitute_teacher: PersonRow | None
    room: str
    scheduled_room: str | None
    topic: str
    status: LessonStatus
    change_note: str


@dataclass(frozen=True)
class MarkRow:
    """A live mark with its subject and author, the attributes of `models.Mark`."""

    id: int
    student_id: int
    lesson_id: int | None
    school_class_id: int
    term_id: int
    subject: SubjectRow
    author: PersonRow
    date: date
    value: int
    weight: int
    kind: WorkKind
    comment: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class BellRow:
    """When a period rings at a lesson's school."""

    number: int
    starts_at: time
    ends_at: time


# The bell of the lesson's period at the school of its class, as "HH:MM-HH:MM" (the times are
# stored as "HH:MM" text): one correlated subquery, so the lessons bring their bells along.
_BELL_TIMES = (
    "(SELECT b.starts_at || '-' || b.ends_at FROM bell_period b"
    " JOIN school_class c ON c.school_id = b.school_id"
    ' WHERE c.id = "lesson"."school_class_id" AND b.number = "lesson"."period")'
)


def with_bells(lessons: QuerySet[Lesson]) -> QuerySet[Lesson]:
    """These lessons, each with its bell read in the same statement (see `bell_of`)."""
    return lessons.annotate(bell_times=RawSQL(_BELL_TIMES))


def bell_of(lesson: Lesson) -> BellRow | None:
    """The bell of a lesson read through `with_bells`; None when its school has no bell
    for that period."""
    found: str | None = getattr(lesson, "bell_times", None)
    if found is None:
        return None
    starts_at, _, ends_at = found.partition("-")
    return BellRow(lesson.period, time.fromisoformat(starts_at), time.fromisoformat(ends_at))


@dataclass(frozen=True)
class FileRow:
    """The metadata of a file attached to homework, as the diary shows it."""

    id: int
    filename: str
    content_type: str
    size: int


@dataclass
class HomeworkRow:
    """Homework set at a lesson, with its files in the order they were attached."""

    id: int
    lesson_id: int
    text: str
    due_on: date
    attachments: list[FileRow] = field(default_factory=list)


@dataclass(frozen=True)
class AttendanceRow:
    """A student's absence from or lateness to one lesson."""

    lesson_id: int
    kind: AttendanceKind
    minutes_late: int | None
    reason: str
    excused: bool
    excuse_kind: ExcuseKind | None


_HOMEWORK = ("id", "lesson_id", "text", "due_on")
_FILE = ("id", "filename", "content_type", "size")


async def homework_by_lesson(lesson_ids: Iterable[int]) -> dict[int, list[HomeworkRow]]:
    """The homework of these lessons with its files, in one statement (a left join: homework
    without files is one row), by lesson, in the order it was set."""
    columns = [*_HOMEWORK, *(f"attachments__{name}" for name in _FILE)]
    rows = (
        await Homework.filter(lesson_id__in=list(lesson_ids))
        .order_by("id", "attachments__id")
        .values_list(*columns)
    )
    found: dict[int, HomeworkRow] = {}
    for homework_id, lesson_id, text, due_on, file_id, filename, content_type, size in rows:
        homework = found.get(homework_id)
        if homework is None:
            homework = found[homework_id] = HomeworkRow(homework_id, lesson_id, text, due_on)
        if file_id is not None:
            homework.attachments.append(FileRow(file_id, filename, content_type, size))
    by_lesson: dict[int, list[HomeworkRow]] = defaultdict(list)
    for homework in found.values():
        by_lesson[homework.lesson_id].append(homework)
    return by_lesson


async def attendance_by_lesson(
    student_id: int, lesson_ids: Iterable[int]
) -> dict[int, AttendanceRow]:
    """The student's attendance records at these lessons (one a lesson at most), by lesson."""
    rows = await Attendance.filter(
        student_id=student_id, lesson_id__in=list(lesson_ids)
    ).values_list("lesson_id", "kind", "minutes_late", "reason", "excused", "excuse_kind")
    found: dict[int, AttendanceRow] = {}
    for lesson_id, kind, minutes_late, reason, excused, excuse_kind in rows:
        found[lesson_id] = AttendanceRow(
            lesson_id,
            AttendanceKind(kind),
            minutes_late,
            reason,
            bool(excused),  # SQLite answers 0 and 1
            None if excuse_kind is None else ExcuseKind(excuse_kind),
        )
    return found
