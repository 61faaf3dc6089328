"""Plain rows for the hot read paths (a student's week, a class journal): lessons, marks,
the people and subjects they name, terms, bells, homework with its files and attendance, the
class and students of a journal, read without a Tortoise model built for them.

The schema's types read the same attributes from these as from the models, so a week's
lesson costs a few tuples rather than a model per row and a second statement per relation.
The `*_from` functions read the JSON arrays the hand-written statements build
(`json_build_array`, in the order of the matching `*_COLUMNS`), on either database.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from datetime import date, datetime, time
from typing import Any, TypeVar

from ediary.domain import sql
from ediary.domain.enums import AttendanceKind, ExcuseKind, LessonStatus, WorkKind
from ediary.domain.models.people import full_name

_T = TypeVar("_T")


def _filled_directly(cls: type[_T]) -> type[_T]:
    """Give a frozen dataclass an `__init__` that fills the instance's dictionary itself.

    A frozen dataclass sets each field through `object.__setattr__`, four times the cost of an
    ordinary one: 1.2 microseconds more for a mark, hundreds of marks in a class journal. The
    rows stay immutable to their readers (assignment is still refused); only their
    construction changes. For rows whose fields all lack defaults."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    assert all(
        f.default is MISSING and f.default_factory is MISSING
        for f in fields(cls)  # type: ignore[arg-type]
    ), cls
    body = "".join(f"    state[{name!r}] = {name}\n" for name in names)
    source = f"def __init__(self, {', '.join(names)}):\n    state = self.__dict__\n{body}"
    namespace: dict[str, Any] = {}
    exec(compile(source, f"<__init__ of {cls.__name__}>", "exec"), namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


@_filled_directly
@dataclass(frozen=True)
class SubjectRow:
    """A subject as lessons, marks and averages name it."""

    id: int
    name: str
    short_name: str


@_filled_directly
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


@_filled_directly
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


@_filled_directly
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


@_filled_directly
@dataclass(frozen=True)
class TermRow:
    """A term as the diary names it, the attributes of `models.Term`."""

    id: int
    academic_year_id: int
    number: int
    starts_on: date
    ends_on: date


@_filled_directly
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


@_filled_directly
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


@_filled_directly
@dataclass(frozen=True)
class BellRow:
    """When a period rings at a lesson's school."""

    number: int
    starts_at: time
    ends_at: time


@_filled_directly
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


@_filled_directly
@dataclass(frozen=True)
class AttendanceRow:
    """A student's absence from or lateness to one lesson."""

    lesson_id: int
    kind: AttendanceKind
    minutes_late: int | None
    reason: str
    excused: bool
    excuse_kind: ExcuseKind | None


@_filled_directly
@dataclass(frozen=True)
class PlannedWorkRow:
    """Work announced ahead for a lesson, the attributes of `models.PlannedWork` the diary
    shows."""

    id: int
    lesson_id: int
    kind: WorkKind
    remote: bool
    topic: str
    description: str
    weight: int


# The columns of the JSON arrays each `*_from` reads, for the statements to build them
# with (`json_build_array(...)`): a subject `s`, a person named by its alias, a bell `b`.
# The members by value: a dictionary look-up, where calling the enum for each of a journal's
# marks took more than the rest of building the mark.
WORK_KINDS: dict[str, WorkKind] = {kind.value: kind for kind in WorkKind}

SUBJECT_COLUMNS = "s.id, s.name, s.short_name"


def person_columns(alias: str) -> str:
    """The columns `person_from` reads, of the account `alias`."""
    return f"{alias}.id, {alias}.last_name, {alias}.first_name, {alias}.middle_name"


LESSON_COLUMNS = (
    "l.id, l.school_class_id, l.date, l.period, l.room, l.scheduled_room, l.topic, l.status,"
    f" l.change_note, {SUBJECT_COLUMNS}, {person_columns('t')}, {person_columns('st')},"
    " b.starts_at, b.ends_at"
)
MARK_COLUMNS = (
    "m.id, m.student_id, m.lesson_id, m.school_class_id, m.term_id, m.date, m.value,"
    " m.weight, m.kind, m.comment, m.created_at, m.updated_at,"
    f" {SUBJECT_COLUMNS}, {person_columns('a')}"
)
HOMEWORK_COLUMNS = "h.id, h.lesson_id, h.text, h.due_on, f.id, f.filename, f.content_type, f.size"
PLANNED_WORK_COLUMNS = "w.id, w.lesson_id, w.kind, w.remote, w.topic, w.description, w.weight"
ATTENDANCE_COLUMNS = "a.lesson_id, a.kind, a.minutes_late, a.reason, a.excused, a.excuse_kind"


def subject_from(found: list[Any]) -> SubjectRow:
    """A subject from its `SUBJECT_COLUMNS`."""
    subject_id, name, short_name = found
    return SubjectRow(subject_id, name, short_name)


def person_from(found: list[Any]) -> PersonRow | None:
    """A person from its `person_columns`; None for an outer join that found nobody."""
    person_id, last_name, first_name, middle_name = found
    if person_id is None:
        return None
    return PersonRow(person_id, last_name, first_name, middle_name)


def lesson_from(found: list[Any]) -> tuple[LessonRow, BellRow | None]:
    """A lesson and its bell (None when its school rings no bell for that period) from
    `LESSON_COLUMNS`."""
    teacher = person_from(found[12:16])
    assert teacher is not None  # a lesson's teacher is required
    lesson = LessonRow(
        id=found[0],
        school_class_id=found[1],
        date=sql.as_date(found[2]),
        period=found[3],
        room=found[4],
        scheduled_room=found[5],
        topic=found[6],
        status=LessonStatus(found[7]),
        change_note=found[8],
        subject=subject_from(found[9:12]),
        teacher=teacher,
        substitute_teacher=person_from(found[16:20]),
    )
    starts_at, ends_at = found[20:22]
    if starts_at is None:
        return lesson, None
    # Bells are kept as "HH:MM" text.
    bell = BellRow(lesson.period, time.fromisoformat(starts_at), time.fromisoformat(ends_at))
    return lesson, bell


def mark_from(found: list[Any]) -> MarkRow:
    """A mark from `MARK_COLUMNS`."""
    author = person_from(found[15:19])
    assert author is not None  # a mark's author is required
    return MarkRow(
        id=found[0],
        student_id=found[1],
        lesson_id=found[2],
        school_class_id=found[3],
        term_id=found[4],
        date=sql.as_date(found[5]),
        value=found[6],
        weight=found[7],
        kind=WORK_KINDS[found[8]],
        comment=found[9],
        created_at=sql.as_datetime(found[10]),
        updated_at=sql.as_datetime(found[11]),
        subject=subject_from(found[12:15]),
        author=author,
    )


def homework_from(found: list[list[Any]]) -> list[HomeworkRow]:
    """Homework with its files from `HOMEWORK_COLUMNS` (a left join: one item a file, or one
    for homework without files), in the order it was set, its files in the order attached."""
    by_id: dict[int, HomeworkRow] = {}
    for homework_id, lesson_id, text, due_on, file_id, filename, content_type, size in sorted(
        found, key=lambda item: (item[0], item[4] is not None, item[4] or 0)
    ):
        homework = by_id.get(homework_id)
        if homework is None:
            homework = by_id[homework_id] = HomeworkRow(
                homework_id, lesson_id, text, sql.as_date(due_on)
            )
        if file_id is not None:
            homework.attachments.append(FileRow(file_id, filename, content_type, size))
    return list(by_id.values())


def attendance_from(found: list[Any]) -> AttendanceRow:
    """An attendance record from `ATTENDANCE_COLUMNS`."""
    lesson_id, kind, minutes_late, reason, excused, excuse_kind = found
    return AttendanceRow(
        lesson_id,
        AttendanceKind(kind),
        minutes_late,
        reason,
        sql.as_bool(excused),
        None if excuse_kind is None else ExcuseKind(excuse_kind),
    )


def planned_work_from(found: list[Any]) -> PlannedWorkRow:
    """Announced work from `PLANNED_WORK_COLUMNS`."""
    work_id, lesson_id, kind, remote, topic, description, weight = found
    return PlannedWorkRow(
        work_id, lesson_id, WorkKind(kind), sql.as_bool(remote), topic, description, weight
    )
