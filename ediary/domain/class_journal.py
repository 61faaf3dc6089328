"""The teacher's class journal: one class and subject over a term, students by lessons.

Read in two statements whatever the size of the class or the length of the term: the grid
of a whole term is what a teacher opens most, and it must cost neither a query per cell nor
a model object per mark. The first finds the class and checks the subject and term belong to
it, with the register; the second reads the term's lessons, the marks and attendance at them
and the students' averages (see `ediary.domain.sql` for how one text serves both databases).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from operator import itemgetter
from typing import Any

from ediary.domain import sql
from ediary.domain.access import Viewer, may_see_class_journal
from ediary.domain.averages import SubjectAverage
from ediary.domain.enums import AttendanceKind, ExcuseKind, LessonStatus, WorkKind
from ediary.domain.errors import NotFound
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy, term_mark_of_sums
from ediary.domain.models import SchoolClass
from ediary.domain.partitions import year_bounds
from ediary.domain.rows import (
    WORK_KINDS,
    AttendanceRow,
    LessonRow,
    MarkRow,
    PersonRow,
    SchoolClassRow,
    StudentRow,
    SubjectRow,
    TermRow,
)
from ediary.domain.terms import current_term


@dataclass
class JournalCell:
    """What one student got at one lesson: marks in the order given, and any absence. A
    journal's empty cells are one object: read them, never change them."""

    marks: list[MarkRow] = field(default_factory=list)
    attendance: AttendanceRow | None = None


@dataclass
class JournalRow:
    """One student's line of the grid: a cell per lesson, in the order of the lessons."""

    student: StudentRow
    cells: list[JournalCell]
    average: SubjectAverage


@dataclass
class ClassJournal:
    school_class: SchoolClassRow
    subject: SubjectRow
    term: TermRow
    lessons: list[LessonRow]
    rows: list[JournalRow]


# The class with its region, the subject if it is one of the class's school, the term if it
# is one of the class's year, and everyone who was in the class at some point of the term,
# one row each in the order of the register (a class without them is one row of nulls). A
# student enrolled twice comes twice; the first row places them.
_REGISTER = """
SELECT c.id, c.school_id, c.academic_year_id, c.grade, c.letter, c.class_teacher_id,
       r.code AS region_code,
       s.id AS subject_id, s.name AS subject_name, s.short_name AS subject_short_name,
       t.id AS term_id, t.number AS term_number, t.starts_on, t.ends_on,
       u.id AS student_id, u.login, u.last_name, u.first_name, u.middle_name
FROM school_class c
JOIN school h ON h.id = c.school_id
JOIN region r ON r.id = h.region_id
LEFT JOIN subject s ON s.id = $2 AND s.school_id = c.school_id
LEFT JOIN term t ON t.id = $3 AND t.academic_year_id = c.academic_year_id
LEFT JOIN enrollment e ON s.id IS NOT NULL AND e.school_class_id = c.id
    AND e.starts_on <= t.ends_on AND (e.ends_on IS NULL OR e.ends_on >= t.starts_on)
LEFT JOIN account u ON u.id = e.student_id
WHERE c.id = $1
ORDER BY u.last_name, u.first_name, u.middle_name, e.id
"""

# $1 class, $2 subject, $3 and $4 the term's first and last day, $5 the term, $6 the
# students, $7 the kinds of work that count towards averages.
#
# The students' live marks of the subject and term from any class count towards their
# averages, as in the diary; only those at the journal's lessons fill its cells. Lessons and
# marks carry their place in the order the database sorts them in, since SQLite cannot sort
# inside an aggregate; the people they name come once each. Attendance is bounded by the
# lessons' dates too, so that PostgreSQL reads one year's partition of it, and looked up by
# the lessons as one list: a plan made for any journal otherwise compares every absence of
# the class's students in the term with every lesson. The people named are looked up by key
# in the same way, where a plan made for any journal read every account of the database. The
# term's marks are bounded by the dates of its year's partitions (`partitions.year_bounds`),
# which they all lie within.
_GRID = """
WITH lessons AS (
  SELECT l.id, l.date, l.period, l.teacher_id, l.substitute_teacher_id, l.room,
         l.scheduled_room, l.topic, l.status, l.change_note,
         row_number() OVER (ORDER BY l.date, l.period, l.id) AS position
  FROM lesson l
  WHERE l.school_class_id = $1 AND l.subject_id = $2 AND l.date >= $3 AND l.date <= $4
),
marks AS (
  SELECT m.id, m.student_id, m.lesson_id, m.school_class_id, m.date, m.value, m.weight,
         m.kind, m.comment, m.author_id, m.created_at, m.updated_at
  FROM mark m
  WHERE m.student_id = ANY($6) AND m.subject_id = $2 AND m.term_id = $5
    AND m.date >= $8 AND m.date < $9 AND m.deleted_at IS NULL
),
cells AS (
  SELECT m.*, row_number() OVER (ORDER BY m.created_at, m.id) AS position
  FROM marks m
  WHERE m.lesson_id IN (SELECT id FROM lessons)
)
SELECT
  COALESCE((SELECT json_agg(json_build_array(
      l.position, l.id, l.date, l.period, l.teacher_id, l.substitute_teacher_id, l.room,
      l.scheduled_room, l.topic, l.status, l.change_note))
    FROM lessons l), '[]') AS lessons,
  COALESCE((SELECT json_agg(json_build_array(
      m.position, m.id, m.student_id, m.lesson_id, m.school_class_id, m.date, m.value,
      m.weight, m.kind, m.comment, m.author_id, m.created_at, m.updated_at))
    FROM cells m), '[]') AS marks,
  COALESCE((SELECT json_agg(json_build_array(
      a.lesson_id, a.student_id, a.kind, a.minutes_late, a.reason, a.excused, a.excuse_kind))
    FROM attendance a
    WHERE a.lesson_id = ANY(ARRAY(SELECT id FROM lessons)) AND a.student_id = ANY($6)
      AND a.date >= $3 AND a.date <= $4), '[]')
    AS attendance,
  COALESCE((SELECT json_agg(json_build_array(x.student_id, x.weighted, x.weights, x.counted))
    FROM (SELECT m.student_id, sum(m.value * m.weight) AS weighted, sum(m.weight) AS weights,
                 count(*) AS counted
          FROM marks m WHERE m.kind = ANY($7) GROUP BY m.student_id) x), '[]') AS averages,
  COALESCE((SELECT json_agg(json_build_array(p.id, p.last_name, p.first_name, p.middle_name))
    FROM account p
    WHERE p.id = ANY(ARRAY(SELECT teacher_id FROM lessons UNION SELECT substitute_teacher_id
                           FROM lessons UNION SELECT author_id FROM cells))), '[]') AS people
"""


async def current_term_of_class(class_id: int, day: date) -> int:
    """The term of the class's school year that `day` falls in (during holidays, the term just
    ended); 0, which no term has, for an unknown class or a year without terms begun, so that
    `load_class_journal` answers NotFound as for any other term that does not fit."""
    school_class = await SchoolClass.get_or_none(id=class_id)
    if school_class is None:
        return 0
    found = await current_term({school_class.academic_year_id}, day)
    return found.id if found else 0


async def load_class_journal(
    viewer: Viewer,
    class_id: int,
    subject_id: int,
    term_id: int,
    policy_for: Callable[[str | None], RegionPolicy] = lambda region: DEFAULT_POLICY,
) -> ClassJournal:
    """The grid, or NotFound when the class, subject or term is unknown, does not belong
    together, or is hidden from the viewer: all four answer alike."""
    register = await sql.fetch(_REGISTER, [class_id, subject_id, term_id])
    if not register:
        raise NotFound()
    head = register[0]
    if not may_see_class_journal(viewer, class_id, subject_id, head["school_id"]):
        raise NotFound()
    if head["subject_id"] is None or head["term_id"] is None:
        raise NotFound()
    school_class = SchoolClassRow(
        head["id"],
        head["school_id"],
        head["academic_year_id"],
        head["grade"],
        head["letter"],
        head["class_teacher_id"],
    )
    subject = SubjectRow(head["subject_id"], head["subject_name"], head["subject_short_name"])
    term = TermRow(
        head["term_id"],
        head["academic_year_id"],
        head["term_number"],
        sql.as_date(head["starts_on"]),
        sql.as_date(head["ends_on"]),
    )
    policy = policy_for(head["region_code"])
    students: dict[int, StudentRow] = {}
    for row in register:
        if row["student_id"] is not None and row["student_id"] not in students:
            students[row["student_id"]] = StudentRow(
                row["student_id"],
                row["login"],
                row["last_name"],
                row["first_name"],
                row["middle_name"],
            )

    counted_kinds = [kind.value for kind in WorkKind if policy.counts(kind)]
    values = [class_id, subject_id, term.starts_on, term.ends_on, term_id, list(students)]
    (found,) = await sql.fetch(
        _GRID, [*values, counted_kinds, *year_bounds(term.starts_on, term.ends_on)]
    )
    people = {
        person_id: PersonRow(person_id, last_name, first_name, middle_name)
        for person_id, last_name, first_name, middle_name in sql.json_rows(found["people"])
    }
    lessons = [
        _lesson(row, class_id, subject, people)
        for row in sorted(sql.json_rows(found["lessons"]), key=itemgetter(0))
    ]
    position = {lesson.id: index for index, lesson in enumerate(lessons)}
    # Most cells hold nothing: those are one empty cell, shared by the rows. A row starts
    # as a copy of a row of it, and only its filled cells are put in.
    empty = [JournalCell()] * len(lessons)
    filled: dict[int, dict[int, JournalCell]] = {student_id: {} for student_id in students}

    for row in sorted(sql.json_rows(found["marks"]), key=itemgetter(0)):
        mark = _mark(row, term_id, subject, people)
        assert mark.lesson_id is not None  # only marks at the journal's lessons come
        by_lesson = filled[mark.student_id]
        index = position[mark.lesson_id]
        one = by_lesson.get(index)
        if one is None:
            one = by_lesson[index] = JournalCell()
        one.marks.append(mark)
    for row in sql.json_rows(found["attendance"]):
        record = _attendance(row)
        by_lesson = filled[row[1]]
        index = position[record.lesson_id]
        one = by_lesson.get(index)
        if one is None:
            one = by_lesson[index] = JournalCell()
        one.attendance = record
    sums = {row[0]: row[1:] for row in sql.json_rows(found["averages"])}

    rows = []
    for student_id, student in students.items():
        weighted, weights, counted = sums.get(student_id, (0, 0, 0))
        average = Fraction(int(weighted), int(weights)) if weights else None
        cells = empty.copy()
        for index, one in filled[student_id].items():
            cells[index] = one
        rows.append(
            JournalRow(
                student=student,
                cells=cells,
                average=SubjectAverage(
                    subject=subject,
                    term=term,
                    average=average,
                    mark_count=int(counted),
                    weight_total=int(weights),
                    forecast=term_mark_of_sums(int(weighted), int(weights), policy),
                ),
            )
        )
    return ClassJournal(school_class, subject, term, lessons, rows)


def _lesson(
    row: list[Any], class_id: int, subject: SubjectRow, people: dict[int, PersonRow]
) -> LessonRow:
    (
        _,
        lesson_id,
        day,
        period,
        teacher_id,
        substitute_id,
        room,
        scheduled_room,
        topic,
        status,
        change_note,
    ) = row
    return LessonRow(
        id=lesson_id,
        school_class_id=class_id,
        date=sql.as_date(day),
        period=period,
        subject=subject,
        teacher=people[teacher_id],
        substitute_teacher=None if substitute_id is None else people[substitute_id],
        room=room,
        scheduled_room=scheduled_room,
        topic=topic,
        status=LessonStatus(status),
        change_note=change_note,
    )


def _mark(
    row: list[Any], term_id: int, subject: SubjectRow, people: dict[int, PersonRow]
) -> MarkRow:
    (
        _,
        mark_id,
        student_id,
        lesson_id,
        class_id,
        day,
        value,
        weight,
        kind,
        comment,
        author_id,
        created_at,
        updated_at,
    ) = row
    # By position: a journal builds hundreds of these, and keywords cost a third more.
    return MarkRow(
        mark_id,
        student_id,
        lesson_id,
        class_id,
        term_id,
        subject,
        people[author_id],
        date.fromisoformat(day),
        value,
        weight,
        WORK_KINDS[kind],
        comment,
        sql.json_datetime(created_at),
        sql.json_datetime(updated_at),
    )


def _attendance(row: list[Any]) -> AttendanceRow:
    lesson_id, _, kind, minutes_late, reason, excused, excuse_kind = row
    return AttendanceRow(
        lesson_id=lesson_id,
        kind=AttendanceKind(kind),
        minutes_late=minutes_late,
        reason=reason,
        excused=sql.as_bool(excused),
        excuse_kind=None if excuse_kind is None else ExcuseKind(excuse_kind),
    )
