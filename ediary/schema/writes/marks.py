"""postMark, postMarks, correctMark and deleteMark."""

from __future__ import annotations

import datetime

import strawberry
from strawberry import relay

from ediary.adapters.limits import capped_list
from ediary.domain import enums, models
from ediary.domain.errors import DomainError, DuplicateSubmission, InvalidFields, Problem
from ediary.domain.journal import marks as journal
from ediary.domain.journal.base import MAX_CLASS_BATCH
from ediary.schema.errors import UserError, refusals, user_errors
from ediary.schema.info import Info
from ediary.schema.types.journal import Mark, WorkKind
from ediary.schema.writes import input_id


@strawberry.input(description="One student's mark within postMarks.")
class MarkEntryInput:
    student_id: relay.GlobalID = strawberry.field(
        description="ID of a student of the lesson's class."
    )
    value: int = strawberry.field(description="The mark, on the scale of the region.")
    weight: int | None = strawberry.field(
        default=None, description="Weight for this mark only; the batch's weight when null."
    )
    kind: WorkKind | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="Kind of work for this mark only; the batch's when null."
    )
    comment: str | None = strawberry.field(
        default=None, description="Comment for this mark only; the batch's when null."
    )


@strawberry.input(
    description="Marks of a class for one lesson, or for dated work (class, subject, date)."
)
class PostMarksInput:
    marks: list[MarkEntryInput] = capped_list(MAX_CLASS_BATCH, "One entry per student.")
    lesson_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The lesson the marks are for."
    )
    class_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For work without a lesson: the class."
    )
    subject_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For work without a lesson: the subject."
    )
    date: datetime.date | None = strawberry.field(
        default=None, description="For work without a lesson: the day of the work."
    )
    kind: WorkKind = strawberry.field(  # type: ignore[valid-type]
        default=enums.WorkKind.CLASSWORK, description="The kind of work."
    )
    weight: int | None = strawberry.field(
        default=None, description="Weight of the marks; the region's weight for the kind if null."
    )
    comment: str = strawberry.field(default="", description="A comment for every mark.")
    idempotency_key: str | None = strawberry.field(
        default=None,
        description=(
            "Any string unique to this batch, such as a UUID made by the client: a batch sent "
            "again with the same key is refused with DUPLICATE_SUBMISSION and nothing is "
            "written twice."
        ),
    )


@strawberry.input(description="One mark for a lesson, or for dated work (class, subject, date).")
class PostMarkInput:
    student_id: relay.GlobalID = strawberry.field(
        description="ID of a student of the lesson's class."
    )
    value: int = strawberry.field(description="The mark, on the scale of the region.")
    lesson_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The lesson the mark is for."
    )
    class_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For work without a lesson: the class."
    )
    subject_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For work without a lesson: the subject."
    )
    date: datetime.date | None = strawberry.field(
        default=None, description="For work without a lesson: the day of the work."
    )
    kind: WorkKind = strawberry.field(  # type: ignore[valid-type]
        default=enums.WorkKind.CLASSWORK, description="The kind of work."
    )
    weight: int | None = strawberry.field(
        default=None, description="Weight; the region's weight for the kind when null."
    )
    comment: str = strawberry.field(default="", description="The teacher's comment.")


@strawberry.type(description="The result of postMarks.")
class PostMarksPayload:
    marks: list[Mark] = strawberry.field(
        description="The marks written; for DUPLICATE_SUBMISSION, those of the first batch."
    )
    user_errors: list[UserError] = strawberry.field(
        description="Why nothing was written, per field, such as input.marks.3.value."
    )


@strawberry.type(description="The result of postMark.")
class PostMarkPayload:
    mark: Mark | None = strawberry.field(description="The mark written.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was written.")


@strawberry.input(description="A correction of a mark; fields left null stay as they are.")
class CorrectMarkInput:
    mark_id: relay.GlobalID = strawberry.field(
        description="ID of the mark to correct; the old value stays in its history."
    )
    reason: str = strawberry.field(description="Why the mark changes; kept in its history.")
    value: int | None = strawberry.field(default=None, description="The new mark.")
    weight: int | None = strawberry.field(default=None, description="The new weight.")
    kind: WorkKind | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The new kind of work."
    )
    comment: str | None = strawberry.field(default=None, description="The new comment.")


@strawberry.type(description="The result of correctMark.")
class CorrectMarkPayload:
    mark: Mark | None = strawberry.field(description="The mark as corrected, with its history.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.input(description="Withdrawal of a mark; it stays in the history.")
class DeleteMarkInput:
    mark_id: relay.GlobalID = strawberry.field(
        description="ID of the mark to withdraw; it leaves the diary and keeps its history."
    )
    reason: str = strawberry.field(description="Why the mark is withdrawn; kept in its history.")


@strawberry.type(description="The result of deleteMark.")
class DeleteMarkPayload:
    deleted_mark_id: relay.GlobalID | None = strawberry.field(
        description="The ID of the withdrawn mark."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


async def _marks(ids: list[int]) -> list[Mark]:
    rows = {
        m.id: m for m in await models.Mark.filter(id__in=ids).select_related("subject", "author")
    }
    return [Mark.from_model(rows[i]) for i in ids if i in rows]


def _batch(input: PostMarksInput) -> journal.MarkBatchInput:
    return journal.MarkBatchInput(
        entries=[
            journal.MarkEntry(
                student_id=input_id(e.student_id, "Student", "studentId"),
                value=e.value,
                weight=e.weight,
                kind=e.kind,
                comment=e.comment,
            )
            for e in input.marks
        ],
        lesson_id=input_id(input.lesson_id, "Lesson", "lessonId") if input.lesson_id else None,
        class_id=input_id(input.class_id, "SchoolClass", "classId") if input.class_id else None,
        subject_id=input_id(input.subject_id, "Subject", "subjectId") if input.subject_id else None,
        date=input.date,
        kind=input.kind,
        weight=input.weight,
        comment=input.comment,
        idempotency_key=input.idempotency_key,
    )


def _single(error: DomainError) -> DomainError:
    """A batch of one reports `input.value`, not `input.marks.0.value`."""
    if isinstance(error, InvalidFields):
        problems = [
            Problem(p.path[2:] if p.path[:2] == ("marks", "0") else p.path, p.message, p.code)
            for p in error.problems
        ]
        return InvalidFields(problems)
    return error


@strawberry.type
class MarkMutations:
    @strawberry.mutation(
        description=(
            "Give marks to several students of a class at once; all are written or none, and "
            "userErrors name every mark at fault."
        )
    )
    async def post_marks(self, info: Info, input: PostMarksInput) -> PostMarksPayload | None:
        try:
            ctx = await info.context.writer()
            outcome = await journal.post_marks(ctx, _batch(input))
        except DuplicateSubmission as error:
            return PostMarksPayload(
                marks=await _marks(error.mark_ids), user_errors=user_errors(error)
            )
        except DomainError as error:
            return PostMarksPayload(marks=[], user_errors=user_errors(error))
        await info.context.committed(outcome.changes)
        return PostMarksPayload(marks=await _marks([m.id for m in outcome.value]), user_errors=[])

    @strawberry.mutation(description="Give one mark to one student.")
    async def post_mark(self, info: Info, input: PostMarkInput) -> PostMarkPayload | None:
        batch = PostMarksInput(
            marks=[MarkEntryInput(student_id=input.student_id, value=input.value)],
            lesson_id=input.lesson_id,
            class_id=input.class_id,
            subject_id=input.subject_id,
            date=input.date,
            kind=input.kind,
            weight=input.weight,
            comment=input.comment,
        )
        try:
            ctx = await info.context.writer()
            outcome = await journal.post_marks(ctx, _batch(batch))
        except DomainError as error:
            return PostMarkPayload(mark=None, user_errors=user_errors(_single(error)))
        await info.context.committed(outcome.changes)
        (mark,) = await _marks([outcome.value[0].id])
        return PostMarkPayload(mark=mark, user_errors=[])

    @strawberry.mutation(
        description="Correct a mark: only its author in an open term, or the administration."
    )
    @refusals
    async def correct_mark(self, info: Info, input: CorrectMarkInput) -> CorrectMarkPayload | None:
        ctx = await info.context.writer()
        edit = journal.MarkEdit(
            mark_id=input_id(input.mark_id, "Mark", "markId"),
            reason=input.reason,
            value=input.value,
            weight=input.weight,
            kind=input.kind,
            comment=input.comment,
        )
        outcome = await journal.correct_mark(ctx, edit)
        await info.context.committed(outcome.changes)
        (mark,) = await _marks([outcome.value.id])
        return CorrectMarkPayload(mark=mark, user_errors=[])

    @strawberry.mutation(
        description=(
            "Withdraw a mark: only its author in an open term, or the administration, with a "
            "reason. Nothing is erased: the mark leaves the diary and keeps its history."
        )
    )
    @refusals
    async def delete_mark(self, info: Info, input: DeleteMarkInput) -> DeleteMarkPayload | None:
        ctx = await info.context.writer()
        mark_id = input_id(input.mark_id, "Mark", "markId")
        outcome = await journal.delete_mark(ctx, mark_id, input.reason)
        await info.context.committed(outcome.changes)
        return DeleteMarkPayload(
            deleted_mark_id=relay.GlobalID("Mark", str(outcome.value.id)), user_errors=[]
        )
