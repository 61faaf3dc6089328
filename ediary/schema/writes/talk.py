"""startConversation, sendMessage, markConversationRead and closeConversation."""

from __future__ import annotations

import strawberry
from strawberry import relay

from ediary.domain.models import Conversation as ConversationRow
from ediary.domain.talk import conversations as talk
from ediary.schema.errors import UserError, refusals
from ediary.schema.info import Info
from ediary.schema.types.talk import Conversation, Message
from ediary.schema.writes import input_id


@strawberry.input(
    description="A first message to a teacher of one's child (teacherId), or from a teacher to "
    "a parent of a student they teach (parentId), about that child."
)
class StartConversationInput:
    student_id: relay.GlobalID = strawberry.field(description="The child it is about.")
    text: str = strawberry.field(description="The first message, plain text.")
    teacher_id: relay.GlobalID | None = strawberry.field(
        default=None, description="For a parent: the teacher to write to."
    )
    parent_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="For a teacher: the parent to write to (a Parent ID, from Student.parents).",
    )


@strawberry.type(description="The result of startConversation.")
class StartConversationPayload:
    conversation: Conversation | None = strawberry.field(
        description="The conversation: new, or the open one between the same people."
    )
    message: Message | None = strawberry.field(description="The message sent.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was sent.")


@strawberry.input(description="A message to a conversation the viewer takes part in.")
class SendMessageInput:
    conversation_id: relay.GlobalID = strawberry.field(
        description="ID of a conversation the viewer takes part in."
    )
    text: str = strawberry.field(
        description="Plain text, up to 4000 characters; stored and shown exactly as given."
    )


@strawberry.type(description="The result of sendMessage.")
class SendMessagePayload:
    message: Message | None = strawberry.field(description="The message sent.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was sent.")


@strawberry.input(description="How far the viewer has read a conversation.")
class MarkConversationReadInput:
    conversation_id: relay.GlobalID = strawberry.field(
        description="ID of a conversation the viewer takes part in."
    )
    message_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The last message read; the latest one when null."
    )


@strawberry.type(description="The result of markConversationRead.")
class MarkConversationReadPayload:
    conversation: Conversation | None = strawberry.field(
        description="The conversation, with its read receipts and unread count."
    )
    user_errors: list[UserError] = strawberry.field(description="Why nothing was changed.")


@strawberry.input(description="The conversation to close.")
class CloseConversationInput:
    conversation_id: relay.GlobalID = strawberry.field(
        description="ID of the conversation to close: one the viewer teaches in, or a class group "
        "of theirs."
    )


@strawberry.type(description="The result of closeConversation.")
class CloseConversationPayload:
    conversation: Conversation | None = strawberry.field(
        description="The conversation, closed; closing it again changes nothing."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was not closed.")


@strawberry.type
class TalkMutations:
    @strawberry.mutation(
        description="Start a conversation between a parent and a teacher of their child, "
        "about the child, with its first message. Either side may start it."
    )
    @refusals
    async def start_conversation(
        self, info: Info, input: StartConversationInput
    ) -> StartConversationPayload | None:
        ctx = await info.context.writer()
        outcome = await talk.start_conversation(
            ctx,
            input_id(input.student_id, "Student", "studentId"),
            input.text,
            teacher_id=(
                input_id(input.teacher_id, "Teacher", "teacherId") if input.teacher_id else None
            ),
            parent_id=(
                input_id(input.parent_id, "Parent", "parentId") if input.parent_id else None
            ),
        )
        await info.context.committed(outcome.changes)
        conversation, message = outcome.value
        return StartConversationPayload(
            conversation=Conversation.from_model(conversation),
            message=Message.build(conversation, message),
            user_errors=[],
        )

    @strawberry.mutation(
        description="Send a message to a conversation the viewer takes part in, while it is open."
    )
    @refusals
    async def send_message(self, info: Info, input: SendMessageInput) -> SendMessagePayload | None:
        ctx = await info.context.writer()
        conversation_id = input_id(input.conversation_id, "Conversation", "conversationId")
        outcome = await talk.send_message(ctx, conversation_id, input.text)
        await info.context.committed(outcome.changes)
        conversation = await ConversationRow.get(id=conversation_id)
        return SendMessagePayload(
            message=Message.build(conversation, outcome.value), user_errors=[]
        )

    @strawberry.mutation(
        description="Mark a conversation read up to a message; receipts only move forward."
    )
    @refusals
    async def mark_conversation_read(
        self, info: Info, input: MarkConversationReadInput
    ) -> MarkConversationReadPayload | None:
        ctx = await info.context.writer()
        outcome = await talk.mark_read(
            ctx,
            input_id(input.conversation_id, "Conversation", "conversationId"),
            input_id(input.message_id, "Message", "messageId") if input.message_id else None,
        )
        await info.context.committed(outcome.changes)
        return MarkConversationReadPayload(
            conversation=Conversation.from_model(outcome.value), user_errors=[]
        )

    @strawberry.mutation(
        description="Close a conversation: the teacher of a parent-teacher conversation, the "
        "class teacher for a class's group. It stays readable and takes no new messages."
    )
    @refusals
    async def close_conversation(
        self, info: Info, input: CloseConversationInput
    ) -> CloseConversationPayload | None:
        ctx = await info.context.writer()
        outcome = await talk.close_conversation(
            ctx, input_id(input.conversation_id, "Conversation", "conversationId")
        )
        await info.context.committed(outcome.changes)
        return CloseConversationPayload(
            conversation=Conversation.from_model(outcome.value), user_errors=[]
        )
