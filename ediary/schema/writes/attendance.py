"""recordAttendance, excuseAbsence and addRemark."""

from __future__ import annotations

import datetime
from enum import Enum

import strawberry
from strawberry import relay

from ediary.adapters.limits import capped_list
from ediary.domain import enums
from ediary.domain.journal import attendance as journal
from ediary.domain.journal.base import MAX_CLASS_BATCH
from ediary.schema.errors import UserError, refusals
from ediary.schema.info import Info
from ediary.schema.types.journal import Attendance, ExcuseKind, Remark, RemarkKind
from ediary.schema.writes import input_id


@strawberry.enum(description="A mark in the register: present, absent or late.")
class Presence(Enum):
    PRESENT = "present"
    ABSENT = "absent"
    LATE = "late"


@strawberry.input(description="One student in the register of a lesson.")
class AttendanceEntryInput:
    student_id: relay.GlobalID = strawberry.field(
        description="ID of a student of the lesson's class."
    )
    presence: Presence = strawberry.field(
        description="PRESENT removes an earlier absence or lateness."
    )
    minutes_late: int | None = strawberry.field(default=None, description="For LATE: minutes.")
    reason: str = strawberry.field(default="", description="A reason, if one is known.")


@strawberry.input(description="The register of a lesson; students not listed stay as they are.")
class RecordAttendanceInput:
    lesson_id: relay.GlobalID = strawberry.field(
        description="ID of the lesson the attendance is taken at."
    )
    entries: list[AttendanceEntryInput] = capped_list(MAX_CLASS_BATCH, "Students to record.")


@strawberry.type(description="The result of recordAttendance.")
class RecordAttendancePayload:
    attendance: list[Attendance] = strawberry.field(
        description="Absences and latenesses now on record for the listed students."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was recorded.")


@strawberry.input(description="An excuse for the absences and latenesses of a student over days.")
class ExcuseAbsenceInput:
    student_id: relay.GlobalID = strawberry.field(
        description="ID of the student whose absences and latenesses are excused."
    )
    from_: datetime.date = strawberry.field(name="from", description="The first day excused.")
    to: datetime.date = strawberry.field(description="The last day excused.")
    kind: ExcuseKind = strawberry.field(  # type: ignore[valid-type]
        description=(
            "PARENT_NOTE by a parent, MEDICAL by the health worker, SCHOOL by the class teacher "
            "or administration."
        )
    )
    reason: str = strawberry.field(description="The reason, as the note or certificate says.")


@strawberry.type(description="The result of excuseAbsence.")
class ExcuseAbsencePayload:
    attendance: list[Attendance] = strawberry.field(description="The records now excused.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was excused.")


@strawberry.input(description="A remark on a student at a lesson.")
class AddRemarkInput:
    lesson_id: relay.GlobalID = strawberry.field(
        description="ID of the lesson the remark is about."
    )
    student_id: relay.GlobalID = strawberry.field(
        description="ID of the student of the lesson's class the remark is about."
    )
    kind: RemarkKind = strawberry.field(description="What it is about.")  # type: ignore[valid-type]
    text: str = strawberry.field(description="The remark for the family, plain text.")


@strawberry.type(description="The result of addRemark.")
class AddRemarkPayload:
    remark: Remark | None = strawberry.field(description="The remark as saved.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


_PRESENCE = {
    Presence.PRESENT: None,
    Presence.ABSENT: enums.AttendanceKind.ABSENT,
    Presence.LATE: enums.AttendanceKind.LATE,
}


@strawberry.type
class AttendanceMutations:
    @strawberry.mutation(
        description="Record absences and lateness at a lesson: its teacher or the class teacher."
    )
    @refusals
    async def record_attendance(
        self, info: Info, input: RecordAttendanceInput
    ) -> RecordAttendancePayload | None:
        ctx = await info.context.writer()
        entries = [
            journal.AttendanceEntry(
                student_id=input_id(e.student_id, "Student", "studentId"),
                kind=_PRESENCE[e.presence],
                minutes_late=e.minutes_late,
                reason=e.reason,
            )
            for e in input.entries
        ]
        lesson_id = input_id(input.lesson_id, "Lesson", "lessonId")
        outcome = await journal.record_attendance(ctx, lesson_id, entries)
        await info.context.committed(outcome.changes)
        return RecordAttendancePayload(
            attendance=[Attendance.from_model(a) for a in outcome.value], user_errors=[]
        )

    @strawberry.mutation(
        description=(
            "Excuse absences: a parent with a note, the health worker with a medical excuse, "
            "the class teacher or administration for the school."
        )
    )
    @refusals
    async def excuse_absence(
        self, info: Info, input: ExcuseAbsenceInput
    ) -> ExcuseAbsencePayload | None:
        ctx = await info.context.writer()
        outcome = await journal.excuse_absence(
            ctx,
            input_id(input.student_id, "Student", "studentId"),
            input.from_,
            input.to,
            input.kind,
            input.reason,
        )
        await info.context.committed(outcome.changes)
        return ExcuseAbsencePayload(
            attendance=[Attendance.from_model(a) for a in outcome.value], user_errors=[]
        )

    @strawberry.mutation(
        description="Remark on a student's behaviour or preparation: the lesson's teacher."
    )
    @refusals
    async def add_remark(self, info: Info, input: AddRemarkInput) -> AddRemarkPayload | None:
        ctx = await info.context.writer()
        outcome = await journal.add_remark(
            ctx,
            input_id(input.lesson_id, "Lesson", "lessonId"),
            input_id(input.student_id, "Student", "studentId"),
            input.kind,
            input.text,
        )
        await info.context.committed(outcome.changes)
        return AddRemarkPayload(remark=Remark.from_model(outcome.value), user_errors=[])
