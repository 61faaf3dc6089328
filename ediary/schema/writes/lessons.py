"""setLessonTopic and the timetable changes: cancelLesson, substituteTeacher, changeRoom."""

from __future__ import annotations

import strawberry
from strawberry import relay

from ediary.domain import models
from ediary.domain.journal import lessons as journal
from ediary.domain.journal.changes import Outcome
from ediary.schema.errors import UserError, refusals
from ediary.schema.info import Info
from ediary.schema.types.journal import Lesson
from ediary.schema.writes import input_id


@strawberry.input(description="The topic of a lesson.")
class SetLessonTopicInput:
    lesson_id: relay.GlobalID = strawberry.field(description="ID of a lesson the viewer teaches.")
    topic: str = strawberry.field(description="What the lesson is about; empty to clear it.")


@strawberry.input(description="A lesson that will not take place.")
class CancelLessonInput:
    lesson_id: relay.GlobalID = strawberry.field(description="ID of the lesson to cancel.")
    note: str = strawberry.field(default="", description="Why, for families to read.")


@strawberry.input(description="Another teacher takes a lesson.")
class SubstituteTeacherInput:
    lesson_id: relay.GlobalID = strawberry.field(
        description="ID of the lesson that gets a substitute teacher."
    )
    teacher_id: relay.GlobalID = strawberry.field(
        description="Who teaches instead; the timetable's teacher to undo a substitution."
    )
    note: str = strawberry.field(default="", description="Why, for families to read.")


@strawberry.input(description="A lesson moves to another room.")
class ChangeRoomInput:
    lesson_id: relay.GlobalID = strawberry.field(
        description="ID of the lesson that moves to another room."
    )
    room: str = strawberry.field(description="The new room.")
    note: str = strawberry.field(default="", description="Why, for families to read.")


@strawberry.type(description="The result of a change to a lesson.")
class LessonPayload:
    lesson: Lesson | None = strawberry.field(description="The lesson as changed.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


async def _payload(info: Info, outcome: Outcome[models.Lesson]) -> LessonPayload:
    await info.context.committed(outcome.changes)
    lesson = await models.Lesson.get(id=outcome.value.id).select_related(
        "subject", "teacher", "substitute_teacher"
    )
    return LessonPayload(lesson=Lesson.from_model(lesson), user_errors=[])


@strawberry.type
class LessonMutations:
    @strawberry.mutation(description="Set the topic of a lesson: its teacher, in an open term.")
    @refusals
    async def set_lesson_topic(
        self, info: Info, input: SetLessonTopicInput
    ) -> LessonPayload | None:
        ctx = await info.context.writer()
        lesson_id = input_id(input.lesson_id, "Lesson", "lessonId")
        outcome = await journal.set_topic(ctx, lesson_id, input.topic)
        return await _payload(info, outcome)

    @strawberry.mutation(description="Cancel a lesson: the school administration.")
    @refusals
    async def cancel_lesson(self, info: Info, input: CancelLessonInput) -> LessonPayload | None:
        ctx = await info.context.writer()
        lesson_id = input_id(input.lesson_id, "Lesson", "lessonId")
        outcome = await journal.cancel_lesson(ctx, lesson_id, input.note)
        return await _payload(info, outcome)

    @strawberry.mutation(description="Give a lesson to a substitute: the school administration.")
    @refusals
    async def substitute_teacher(
        self, info: Info, input: SubstituteTeacherInput
    ) -> LessonPayload | None:
        ctx = await info.context.writer()
        lesson_id = input_id(input.lesson_id, "Lesson", "lessonId")
        teacher_id = input_id(input.teacher_id, "Teacher", "teacherId")
        outcome = await journal.substitute_teacher(ctx, lesson_id, teacher_id, input.note)
        return await _payload(info, outcome)

    @strawberry.mutation(description="Move a lesson to another room: the school administration.")
    @refusals
    async def change_room(self, info: Info, input: ChangeRoomInput) -> LessonPayload | None:
        ctx = await info.context.writer()
        lesson_id = input_id(input.lesson_id, "Lesson", "lessonId")
        outcome = await journal.change_room(ctx, lesson_id, input.room, input.note)
        return await _payload(info, outcome)
