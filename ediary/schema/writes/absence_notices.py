"""announceAbsence: a parent tells the school ahead that a child will be away."""

from __future__ import annotations

import datetime

import strawberry
from strawberry import relay

from ediary.domain.journal.absence_notices import announce_absence
from ediary.schema.errors import UserError, refusals
from ediary.schema.info import Info
from ediary.schema.types.journal import AbsenceNotice
from ediary.schema.writes import input_id


@strawberry.input(description="The days a child will be away, told ahead by a parent.")
class AnnounceAbsenceInput:
    student_id: relay.GlobalID = strawberry.field(description="The parent's child.")
    from_: datetime.date = strawberry.field(
        name="from", description="The first day away: today or later."
    )
    to: datetime.date = strawberry.field(
        description="The last day away; at most 62 days from the first."
    )
    reason: str = strawberry.field(
        default="", description="Why, if the parent wants to say; at most 300 characters."
    )


@strawberry.type(description="The result of announceAbsence.")
class AnnounceAbsencePayload:
    absence_notice: AbsenceNotice | None = strawberry.field(description="The notice as saved.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


@strawberry.type
class AbsenceNoticeMutations:
    @strawberry.mutation(
        description="A parent tells the school ahead that their child will be away on these "
        "days. The notice is shown on the lessons of those days (`Lesson.absenceNotices`) to "
        "the class teacher and the child's teachers; it records and excuses nothing."
    )
    @refusals
    async def announce_absence(
        self, info: Info, input: AnnounceAbsenceInput
    ) -> AnnounceAbsencePayload | None:
        ctx = await info.context.writer()
        notice = await announce_absence(
            ctx,
            input_id(input.student_id, "Student", "studentId"),
            input.from_,
            input.to,
            input.reason,
        )
        return AnnounceAbsencePayload(
            absence_notice=AbsenceNotice.from_model(notice), user_errors=[]
        )
