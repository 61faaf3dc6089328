"""setTermRemark: the class teacher writes the remark on a student's term report card."""

from __future__ import annotations

import strawberry
from strawberry import relay

from ediary.domain.term_remarks import set_term_remark
from ediary.schema.errors import UserError, refusals
from ediary.schema.info import Info
from ediary.schema.types.journal import TermRemark
from ediary.schema.writes import input_id


@strawberry.input(description="The remark on one student's report card for one term.")
class SetTermRemarkInput:
    student_id: relay.GlobalID = strawberry.field(description="A student of the class.")
    term_id: relay.GlobalID = strawberry.field(
        description="A term the student spent (at least partly) in the class."
    )
    text: str = strawberry.field(
        description="The remark, at most 1000 characters once trimmed; it replaces the one "
        "written before. Empty removes the remark."
    )


@strawberry.type(description="The result of setTermRemark.")
class SetTermRemarkPayload:
    remark: TermRemark | None = strawberry.field(
        description="The remark as saved; null when it was removed or nothing was saved."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


@strawberry.type
class TermRemarkMutations:
    @strawberry.mutation(
        description="The class teacher (or the school's administration) writes the remark on "
        "a student's term report card, printed under the card's marks; one per student and "
        "term, written over by the next. NOT_FOUND for a student or term the viewer cannot "
        "see, FORBIDDEN for one who sees the student but does not lead their class that term, "
        "NOT_ENROLLED when the student was in no class that term, BAD_USER_INPUT (field "
        "`text`) for a text too long."
    )
    @refusals
    async def set_term_remark(
        self, info: Info, input: SetTermRemarkInput
    ) -> SetTermRemarkPayload | None:
        ctx = await info.context.writer()
        remark = await set_term_remark(
            ctx.viewer,
            input_id(input.student_id, "Student", "studentId"),
            input_id(input.term_id, "Term", "termId"),
            input.text,
            ctx.today,
        )
        return SetTermRemarkPayload(
            remark=TermRemark.from_model(remark) if remark is not None else None, user_errors=[]
        )
