"""Live changes to a student's diary or a class's journal: who may receive which, and what a
change names.

A subscriber's connection asks here twice per change: whether the change is for it
(`concerns`, against the grant it opened with, then against a fresh one), and what the change
is about, loaded after the commit (`changed_objects`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from ediary.domain.access import (
    Facet,
    Placement,
    StudentGrant,
    Viewer,
    may_see_class_journal,
    student_grant,
)
from ediary.domain.journal.changes import ChangeKind, DiaryChange
from ediary.domain.models import (
    Attendance,
    Homework,
    Lesson,
    Mark,
    Remark,
    SchoolClass,
    Subject,
)
from ediary.domain.placements import placements

FACET_OF = {
    ChangeKind.MARK_POSTED: Facet.MARKS,
    ChangeKind.MARK_CORRECTED: Facet.MARKS,
    ChangeKind.MARK_DELETED: Facet.MARKS,
    ChangeKind.HOMEWORK_SET: Facet.HOMEWORK,
    ChangeKind.HOMEWORK_CHANGED: Facet.HOMEWORK,
    ChangeKind.ATTENDANCE_RECORDED: Facet.ATTENDANCE,
    ChangeKind.ABSENCE_EXCUSED: Facet.ATTENDANCE,
    ChangeKind.REMARK_ADDED: Facet.REMARKS,
    ChangeKind.LESSON_CHANGED: Facet.LESSONS,
}


@dataclass(frozen=True)
class LiveGrant:
    """What a viewer may receive of a student's diary today, and the classes it is through."""

    grant: StudentGrant
    placed: tuple[Placement, ...]

    def concerns(self, change: DiaryChange) -> bool:
        return concerns(self.grant, self.placed, change)


async def live_grant(viewer: Viewer, student_id: int, today: date) -> LiveGrant | None:
    """The viewer's grant on the student as the database has it now; None without one."""
    placed = (await placements([student_id], today, today)).get(student_id, [])
    grant = student_grant(viewer, student_id, placed)
    return None if grant is None else LiveGrant(grant, tuple(placed))


def concerns(grant: StudentGrant, placements: Iterable[Placement], change: DiaryChange) -> bool:
    """Whether the change is about this student (or their class) and the grant shows it."""
    if change.student_id is not None:
        if change.student_id != grant.student_id:
            return False
    elif change.class_id not in {p.class_id for p in placements}:
        return False
    # Staff follow the student through their own classes only: changes written by the school
    # the student moved to are not theirs, even on a connection opened before the move.
    if grant.through is not None and change.class_id not in {p.class_id for p in grant.through}:
        return False
    return grant.allows(FACET_OF[change.kind], change.subject_id)


@dataclass(frozen=True)
class ChangedObjects:
    """What a change is about, as the database has it after the commit. `mark` is kept for a
    deleted mark too (its row stays, `deleted_at` set); `lesson` is the change's lesson, with
    its subject and teachers, or None for a mark on dated work."""

    lesson: Lesson | None = None
    mark: Mark | None = None
    homework: Homework | None = None
    attendance: Attendance | None = None
    remark: Remark | None = None


async def changed_objects(change: DiaryChange) -> ChangedObjects | None:
    """Load what the change names; None when it is gone already (nothing left to show)."""
    facet = FACET_OF[change.kind]
    # The change names its lesson when it has one: a register entry taken back leaves
    # nothing else to find it by.
    lesson_id = change.lesson_id
    mark = homework = attendance = remark = None
    if facet is Facet.MARKS:
        mark = await Mark.get_or_none(id=change.object_id).select_related("subject", "author")
        if mark is None:
            return None
        lesson_id = lesson_id or mark.lesson_id
    elif facet is Facet.HOMEWORK:
        homework = await Homework.get_or_none(id=change.object_id).prefetch_related("attachments")
        if homework is None:
            return None
        lesson_id = lesson_id or homework.lesson_id
    elif facet is Facet.ATTENDANCE:
        # Taken back (present after all): no row, and the change's lesson says where.
        attendance = await Attendance.get_or_none(id=change.object_id)
        if attendance is not None:
            lesson_id = lesson_id or attendance.lesson_id
    elif facet is Facet.REMARKS:
        remark = await Remark.get_or_none(id=change.object_id).select_related("author")
        if remark is None:
            return None
        lesson_id = lesson_id or remark.lesson_id
    else:
        lesson_id = change.object_id
    lesson = None
    if lesson_id is not None:
        lesson = await Lesson.get_or_none(id=lesson_id).select_related(
            "subject", "teacher", "substitute_teacher"
        )
    if lesson is None and facet is Facet.LESSONS:
        # The lesson went with its class (a deletion).
        return None
    return ChangedObjects(lesson, mark, homework, attendance, remark)


# What a class's journal grid shows of a lesson's changes: marks, absences, homework and the
# lesson itself (its topic); remarks are the class teacher's and the families', not the grid's.
JOURNAL_FACETS = frozenset({Facet.MARKS, Facet.ATTENDANCE, Facet.HOMEWORK, Facet.LESSONS})


@dataclass(frozen=True)
class JournalGrant:
    """A viewer's right to follow one class's journal of one subject, as `classJournal`
    grants it: the teacher of that class and subject, the class teacher, the administration."""

    class_id: int
    subject_id: int
    school_id: int

    def concerns(self, change: DiaryChange) -> bool:
        """Whether the change is written in this journal: at this class, in this subject."""
        return (
            change.class_id == self.class_id
            and change.subject_id == self.subject_id
            and FACET_OF[change.kind] in JOURNAL_FACETS
        )

    def allows(self, viewer: Viewer) -> bool:
        return may_see_class_journal(viewer, self.class_id, self.subject_id, self.school_id)


async def journal_grant(viewer: Viewer, class_id: int, subject_id: int) -> JournalGrant | None:
    """The viewer's grant on the class's journal of the subject; None when the class or the
    subject (of the class's school) is unknown, or the viewer may not see the journal: all
    alike, as `load_class_journal` answers them."""
    school_class = await SchoolClass.get_or_none(id=class_id)
    if school_class is None:
        return None
    if not await Subject.exists(id=subject_id, school_id=school_class.school_id):
        return None
    grant = JournalGrant(class_id, subject_id, school_class.school_id)
    return grant if grant.allows(viewer) else None
