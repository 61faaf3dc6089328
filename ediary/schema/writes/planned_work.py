"""announceWork, changeWork, cancelWork: tests and quizzes announced ahead for a lesson."""

from __future__ import annotations

import strawberry
from strawberry import relay

from ediary.domain import enums, models
from ediary.domain.journal import planned_work as journal
from ediary.domain.journal.changes import Outcome
from ediary.schema.errors import UserError, refusals
from ediary.schema.info import Info
from ediary.schema.types.journal import Lesson, PlannedWork, WorkKind
from ediary.schema.writes import input_id


@strawberry.input(description="Work to announce for a lesson.")
class AnnounceWorkInput:
    lesson_id: relay.GlobalID = strawberry.field(
        description="ID of a lesson the viewer teaches, today or later."
    )
    kind: WorkKind = strawberry.field(  # type: ignore[valid-type]
        default=enums.WorkKind.TEST, description="The kind of work: a test by default."
    )
    remote: bool = strawberry.field(
        default=False, description="Whether it is written away from the classroom."
    )
    topic: str = strawberry.field(default="", description="What it covers; at most 200 characters.")
    description: str = strawberry.field(
        default="", description="What to bring or revise; at most 1000 characters."
    )
    weight: int | None = strawberry.field(
        default=None,
        description="How much its mark will count, from 1 to the region's highest weight; "
        "the region's weight for the kind when null.",
    )


@strawberry.input(description="A change to announced work; null fields stay as they are.")
class ChangeWorkInput:
    work_id: relay.GlobalID = strawberry.field(description="ID of the announced work.")
    lesson_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Another lesson the viewer teaches, to move the work to."
    )
    kind: WorkKind | None = strawberry.field(  # type: ignore[valid-type]
        default=None,
        description="Another kind; without a weight, the work takes the region's weight for it.",
    )
    remote: bool | None = strawberry.field(
        default=None, description="Whether it is written away from the classroom."
    )
    topic: str | None = strawberry.field(
        default=None, description="What it covers; empty to clear it."
    )
    description: str | None = strawberry.field(
        default=None, description="What to bring or revise; empty to clear it."
    )
    weight: int | None = strawberry.field(default=None, description="How much its mark will count.")


@strawberry.input(description="Announced work that will not take place.")
class CancelWorkInput:
    work_id: relay.GlobalID = strawberry.field(description="ID of the announced work.")


@strawberry.type(description="The result of announceWork or changeWork.")
class PlannedWorkPayload:
    planned_work: PlannedWork | None = strawberry.field(description="The work as saved.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


@strawberry.type(description="The result of cancelWork.")
class CancelWorkPayload:
    cancelled_work_id: relay.GlobalID | None = strawberry.field(
        description="ID of the work cancelled; no longer found."
    )
    lesson: Lesson | None = strawberry.field(
        description="The lesson the work was announced for, without it now."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


async def _lesson(lesson_id: int) -> Lesson:
    lesson = await models.Lesson.get(id=lesson_id).select_related(
        "subject", "teacher", "substitute_teacher"
    )
    return Lesson.from_model(lesson)


async def _payload(info: Info, outcome: Outcome[models.PlannedWork]) -> PlannedWorkPayload:
    await info.context.committed(outcome.changes)
    return PlannedWorkPayload(planned_work=PlannedWork.from_model(outcome.value), user_errors=[])


@strawberry.type
class PlannedWorkMutations:
    @strawberry.mutation(
        description="Announce a test, quiz or other work for a lesson the viewer teaches, "
        "today or later. Families see it on the lesson in the diary and the calendar feed, "
        "and parents are reminded of it `EDIARY_WORK_REMINDER_DAYS` days before."
    )
    @refusals
    async def announce_work(
        self, info: Info, input: AnnounceWorkInput
    ) -> PlannedWorkPayload | None:
        ctx = await info.context.writer()
        outcome = await journal.announce_work(
            ctx,
            input_id(input.lesson_id, "Lesson", "lessonId"),
            input.kind,
            remote=input.remote,
            topic=input.topic,
            description=input.description,
            weight=input.weight,
        )
        return await _payload(info, outcome)

    @strawberry.mutation(
        description="Move announced work to another lesson the viewer teaches, or change its "
        "kind, weight, topic or description; reminders not yet sent follow the change."
    )
    @refusals
    async def change_work(self, info: Info, input: ChangeWorkInput) -> PlannedWorkPayload | None:
        ctx = await info.context.writer()
        edit = journal.WorkEdit(
            lesson_id=(
                None if input.lesson_id is None else input_id(input.lesson_id, "Lesson", "lessonId")
            ),
            kind=input.kind,
            remote=input.remote,
            topic=input.topic,
            description=input.description,
            weight=input.weight,
        )
        outcome = await journal.change_work(
            ctx, input_id(input.work_id, "PlannedWork", "workId"), edit
        )
        return await _payload(info, outcome)

    @strawberry.mutation(
        description="Cancel announced work: it leaves the diary and the calendar feeds, "
        "reminders not yet sent are taken back, and parents already reminded are told."
    )
    @refusals
    async def cancel_work(self, info: Info, input: CancelWorkInput) -> CancelWorkPayload | None:
        ctx = await info.context.writer()
        outcome = await journal.cancel_work(ctx, input_id(input.work_id, "PlannedWork", "workId"))
        await info.context.committed(outcome.changes)
        return CancelWorkPayload(
            cancelled_work_id=relay.GlobalID("PlannedWork", str(outcome.value.id)),
            lesson=await _lesson(outcome.value.lesson_id),
            user_errors=[],
        )
