"""setHomework and editHomework, with files uploaded by the GraphQL multipart request spec."""

from __future__ import annotations

import datetime

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload

from ediary.adapters.limits import capped_list
from ediary.domain.journal import homework as journal
from ediary.domain.uploads import MAX_FILES
from ediary.schema.errors import UserError, refusals
from ediary.schema.info import Info
from ediary.schema.types.journal import Homework
from ediary.schema.writes import input_id
from ediary.schema.writes.uploads import file_rules, read_uploads


@strawberry.input(description="Homework for a lesson.")
class SetHomeworkInput:
    lesson_id: relay.GlobalID = strawberry.field(description="The lesson it is set at.")
    text: str = strawberry.field(description="What to do.")
    due_on: datetime.date = strawberry.field(description="The day it is due.")
    attachments: list[Upload] = capped_list(
        MAX_FILES,
        "Files, sent as a multipart request (GraphQL multipart request spec). PDF, images, "
        "text and office documents; the type is judged by the contents.",
        default_factory=list,
    )


@strawberry.input(description="A change of homework; fields left null stay as they are.")
class EditHomeworkInput:
    homework_id: relay.GlobalID = strawberry.field(
        description="ID of the homework to change, as the lesson or the diary gives it."
    )
    text: str | None = strawberry.field(default=None, description="The new text.")
    due_on: datetime.date | None = strawberry.field(default=None, description="The new due day.")
    add_attachments: list[Upload] = capped_list(
        MAX_FILES, "Files to add, as in setHomework.", default_factory=list
    )
    remove_attachments: list[relay.GlobalID] = capped_list(
        MAX_FILES, "IDs of attached files to remove.", default_factory=list
    )


@strawberry.type(description="The result of setHomework or editHomework.")
class HomeworkPayload:
    homework: Homework | None = strawberry.field(description="The homework as saved.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


@strawberry.type
class HomeworkMutations:
    @strawberry.mutation(description="Set homework at a lesson, with attached files.")
    @refusals
    async def set_homework(self, info: Info, input: SetHomeworkInput) -> HomeworkPayload | None:
        rules = file_rules(info)
        ctx = await info.context.writer()
        outcome = await journal.set_homework(
            ctx,
            input_id(input.lesson_id, "Lesson", "lessonId"),
            input.text,
            input.due_on,
            await read_uploads(input.attachments, rules.max_bytes),
            rules,
        )
        await info.context.committed(outcome.changes)
        return HomeworkPayload(homework=Homework.from_model(outcome.value), user_errors=[])

    @strawberry.mutation(description="Change homework: text, due day, files added or removed.")
    @refusals
    async def edit_homework(self, info: Info, input: EditHomeworkInput) -> HomeworkPayload | None:
        rules = file_rules(info)
        ctx = await info.context.writer()
        remove = [
            input_id(gid, "Attachment", "removeAttachments") for gid in input.remove_attachments
        ]
        outcome = await journal.edit_homework(
            ctx,
            input_id(input.homework_id, "Homework", "homeworkId"),
            input.text,
            input.due_on,
            await read_uploads(input.add_attachments, rules.max_bytes),
            remove,
            rules,
        )
        await info.context.committed(outcome.changes)
        return HomeworkPayload(homework=Homework.from_model(outcome.value), user_errors=[])
