"""Queries and the live subscription of conversations and acknowledgements."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import UTC, date, datetime

import strawberry
from strawberry import relay

from ediary.domain import models, paging
from ediary.domain.talk import acks, conversations
from ediary.domain.talk.changes import TalkChange, TalkChangeKind
from ediary.schema.ids import local_id
from ediary.schema.info import Info
from ediary.schema.paging import check_page_size, page_info
from ediary.schema.types.talk import (
    AcknowledgementRequest,
    AcknowledgementRequestConnection,
    AcknowledgementRequestEdge,
    Conversation,
    ConversationConnection,
    ConversationEdge,
    Message,
    ReadReceipt,
    SigningKey,
)


def _today(info: Info) -> date:
    return info.context.today()


@strawberry.type
class TalkQuery:
    @strawberry.field(
        description="The viewer's conversations, latest activity first: parent-teacher threads "
        "and the groups of their classes."
    )
    async def conversations(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        student_id: relay.GlobalID | None = None,
    ) -> ConversationConnection | None:
        check_page_size(info, first)
        viewer = await info.context.require_viewer()
        who = await conversations.talker(viewer, _today(info))
        student = local_id(student_id, "Student") if student_id else None
        page = await conversations.conversations_page(who, datetime.now(UTC), first, after, student)
        edges = [
            ConversationEdge(
                cursor=conversations.conversation_cursor(c), node=Conversation.from_model(c)
            )
            for c in page.rows
        ]
        return ConversationConnection(
            edges=edges,
            page_info=page_info([e.cursor for e in edges], has_next=page.has_next, after=after),
            total_count=page.total,
        )

    @strawberry.field(
        description="The group conversation of a class, for its class teacher and its parents."
    )
    async def class_conversation(self, info: Info, class_id: relay.GlobalID) -> Conversation | None:
        viewer = await info.context.require_viewer()
        who = await conversations.talker(viewer, _today(info))
        found = await conversations.class_group(
            who, local_id(class_id, "SchoolClass"), datetime.now(UTC)
        )
        return Conversation.from_model(found)

    @strawberry.field(
        description="Requests for acknowledgement the viewer may see, newest first: those to "
        "their children, those of the class they lead, those of their school."
    )
    async def acknowledgement_requests(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        class_id: relay.GlobalID | None = None,
    ) -> AcknowledgementRequestConnection | None:
        check_page_size(info, first)
        viewer = await info.context.require_viewer()
        page = await acks.requests_page(
            viewer,
            first,
            paging.after_id(after) if after else None,
            local_id(class_id, "SchoolClass") if class_id else None,
        )
        edges = [
            AcknowledgementRequestEdge(
                cursor=paging.id_cursor(f.request.id),
                node=AcknowledgementRequest.from_model(f.request),
            )
            for f in page.rows
        ]
        return AcknowledgementRequestConnection(
            edges=edges,
            page_info=page_info([e.cursor for e in edges], has_next=page.has_next, after=after),
            total_count=page.total,
        )

    @strawberry.field(description="The viewer's signing keys, the newest first, revoked included.")
    async def signing_keys(self, info: Info) -> list[SigningKey] | None:
        viewer = await info.context.require_viewer()
        return [SigningKey.from_model(k) for k in await acks.own_keys(viewer)]


ConversationUpdateKind = strawberry.enum(
    TalkChangeKind, name="ConversationUpdateKind", description="What changed in a conversation."
)


@strawberry.type(description="A change in a conversation, sent as soon as it is committed.")
class ConversationUpdate:
    kind: ConversationUpdateKind = strawberry.field(  # type: ignore[valid-type]
        description="A new message, a read receipt moved, or the conversation closed."
    )
    conversation: Conversation = strawberry.field(description="The conversation, as it is now.")
    message: Message | None = strawberry.field(description="The new message.")
    read_receipt: ReadReceipt | None = strawberry.field(
        description="The read receipt that moved: who read, up to which message."
    )


async def _update(
    conversation: models.Conversation, change: TalkChange
) -> ConversationUpdate | None:
    update = ConversationUpdate(
        kind=change.kind,
        conversation=Conversation.from_model(conversation),
        message=None,
        read_receipt=None,
    )
    if change.kind is TalkChangeKind.MESSAGE_POSTED:
        message = await models.ConversationMessage.get_or_none(id=change.object_id)
        if message is None:
            return None
        update.message = Message.build(conversation, message)
    elif change.kind is TalkChangeKind.MESSAGE_READ:
        read = await models.ConversationRead.get_or_none(id=change.object_id)
        if read is None:
            return None
        update.read_receipt = ReadReceipt.from_model(conversation, read)
    return update


@strawberry.type
class TalkSubscription:
    @strawberry.subscription(
        description="New messages, read receipts and closings, as they are committed: of one "
        "conversation, or of every conversation the viewer takes part in."
    )
    async def conversation_updates(
        self, info: Info, conversation_id: relay.GlobalID | None = None
    ) -> AsyncGenerator[ConversationUpdate, None]:
        viewer = await info.context.require_viewer()
        who = await conversations.talker(viewer, _today(info))
        only = None
        if conversation_id is not None:
            only = local_id(conversation_id, "Conversation")
            await conversations.visible_conversation(who, only)
        async with info.context.runtime.broker.subscribe() as changes:
            async for change in changes:
                if not isinstance(change, TalkChange):
                    continue
                if only is not None and change.conversation_id != only:
                    continue
                conversation = await models.Conversation.get_or_none(id=change.conversation_id)
                if conversation is None or not conversations.sees(who, conversation):
                    continue
                # Only for an update it would send, the viewer is loaded afresh: a parent
                # unlinked from the child since the subscription opened hears no more of the
                # thread about that child (see Context.live_viewer).
                fresh = await conversations.talker(await info.context.live_viewer(), _today(info))
                if not conversations.sees(fresh, conversation):
                    if only is not None:
                        return
                    continue
                update = await _update(conversation, change)
                if update is not None:
                    yield update
