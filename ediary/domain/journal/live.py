"""Which live changes a subscriber to a student's diary may receive."""

from __future__ import annotations

from collections.abc import Iterable

from ediary.domain.access import Facet, Placement, StudentGrant
from ediary.domain.journal.changes import ChangeKind, DiaryChange

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
