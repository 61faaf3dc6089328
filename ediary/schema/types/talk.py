"""Types of conversations, messages with read receipts, acknowledgements and signing keys."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from enum import Enum
from typing import Self

import strawberry
from strawberry import relay

from ediary.domain import enums, models
from ediary.domain.errors import NotFound
from ediary.domain.talk import acks, conversations
from ediary.schema.ids import resolve_each
from ediary.schema.info import Info
from ediary.schema.paging import Connection, Edge, check_page_size, page_info
from ediary.schema.types.people import Student, Teacher
from ediary.schema.types.school import SchoolClass

ConversationKind = strawberry.enum(
    enums.ConversationKind,
    description="DIRECT: one parent and one teacher about a child; CLASS_GROUP: a class's group.",
)


@strawberry.enum(description="Which side of the school a participant writes from.")
class ParticipantRole(Enum):
    PARENT = "parent"
    TEACHER = "teacher"


@strawberry.type(description="A person taking part in a conversation or acknowledging.")
class Participant:
    full_name: str = strawberry.field(description="Last name, first name and patronymic.")
    role: ParticipantRole = strawberry.field(description="PARENT or TEACHER.")
    is_viewer: bool = strawberry.field(description="Whether this is the person logged in.")


async def _participant(info: Info, conversation: models.Conversation, user_id: int) -> Participant:
    user = await info.context.loaders.user.load(user_id)
    viewer = await info.context.viewer()
    if conversation.kind is enums.ConversationKind.CLASS_GROUP:
        assert conversation.school_class_id is not None
        school_class = await info.context.loaders.school_class.load(conversation.school_class_id)
        teaches = school_class is not None and school_class.class_teacher_id == user_id
    else:
        teaches = conversation.teacher_id == user_id
    return Participant(
        full_name=user.full_name if user else "",
        role=ParticipantRole.TEACHER if teaches else ParticipantRole.PARENT,
        is_viewer=viewer.user_id == user_id,
    )


@strawberry.type(description="A parent, as their children's teachers see them: to write to them.")
class Parent(relay.Node):
    id: relay.NodeID[int]
    full_name: str = strawberry.field(description="Last name, first name and patronymic.")

    @classmethod
    def from_model(cls, user: models.User) -> Self:
        return cls(id=user.id, full_name=user.full_name)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()
        today = info.context.today()

        async def visible(parent_id: int) -> models.User:
            return await conversations.visible_parent(viewer, parent_id, today)

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(description="How far a participant has read a conversation.")
class ReadReceipt:
    last_read_message_id: relay.GlobalID = strawberry.field(
        description="The last message the participant has read; every earlier one is read too."
    )
    read_at: datetime.datetime = strawberry.field(description="When they read up to it.")
    _conversation: strawberry.Private[models.Conversation]
    _user_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, conversation: models.Conversation, row: models.ConversationRead) -> Self:
        return cls(
            last_read_message_id=relay.GlobalID("Message", str(row.last_read_message_id)),
            read_at=row.read_at,
            _conversation=conversation,
            _user_id=row.user_id,
        )

    @strawberry.field(description="Who has read.")
    async def participant(self, info: Info) -> Participant | None:
        return await _participant(info, self._conversation, self._user_id)


@strawberry.type(
    description="A message: plain text exactly as written. Show it as text, never as HTML."
)
class Message(relay.Node):
    id: relay.NodeID[int]
    text: str = strawberry.field(description="The text, exactly as the author wrote it.")
    created_at: datetime.datetime = strawberry.field(description="When it was sent.")
    _model: strawberry.Private[models.ConversationMessage]
    _conversation: strawberry.Private[models.Conversation]

    @classmethod
    def build(cls, conversation: models.Conversation, message: models.ConversationMessage) -> Self:
        return cls(
            id=message.id,
            text=message.text,
            created_at=message.created_at,
            _model=message,
            _conversation=conversation,
        )

    @strawberry.field(description="Who wrote it.")
    async def author(self, info: Info) -> Participant | None:
        return await _participant(info, self._conversation, self._model.author_id)

    @strawberry.field(description="Whether the viewer wrote it.")
    async def is_own(self, info: Info) -> bool:
        viewer = await info.context.viewer()
        return viewer.user_id == self._model.author_id

    @strawberry.field(description="Participants other than the author who have read it.")
    async def read_by(self, info: Info) -> list[ReadReceipt] | None:
        reads = await info.context.loaders.conversation_reads.load(self._conversation.id)
        return [
            ReadReceipt.from_model(self._conversation, r)
            for r in reads
            if r.last_read_message_id >= self._model.id and r.user_id != self._model.author_id
        ]

    @strawberry.field(description="The conversation it belongs to.")
    def conversation(self) -> Conversation:
        return Conversation.from_model(self._conversation)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()
        who = await conversations.talker(viewer, info.context.today())

        async def visible(
            message_id: int,
        ) -> tuple[models.Conversation, models.ConversationMessage]:
            message = await models.ConversationMessage.get_or_none(id=message_id)
            if message is None:
                raise NotFound()
            conversation = await conversations.visible_conversation(who, message.conversation_id)
            return conversation, message

        return await resolve_each(node_ids, required, visible, lambda pair: cls.build(*pair))


MessageEdge = Edge[Message]
MessageConnection = Connection[Message]


@strawberry.type(
    description="A conversation: one parent and one teacher about a child, or a class's group "
    "of its parents and class teacher. Only its participants see it."
)
class Conversation(relay.Node):
    id: relay.NodeID[int]
    kind: ConversationKind = strawberry.field(  # type: ignore[valid-type]
        description="DIRECT or CLASS_GROUP."
    )
    created_at: datetime.datetime = strawberry.field(description="When it was started.")
    last_activity_at: datetime.datetime = strawberry.field(
        description="When the last message was sent, or when it was started."
    )
    closed_at: datetime.datetime | None = strawberry.field(
        description="When the teacher closed it; a closed conversation takes no new messages."
    )
    _model: strawberry.Private[models.Conversation]

    @classmethod
    def from_model(cls, conversation: models.Conversation) -> Self:
        return cls(
            id=conversation.id,
            kind=conversation.kind,
            created_at=conversation.created_at,
            last_activity_at=conversation.activity_at,
            closed_at=conversation.closed_at,
            _model=conversation,
        )

    @strawberry.field(description="The child a parent-teacher conversation is about.")
    async def student(self, info: Info) -> Student | None:
        if self._model.student_id is None:
            return None
        user = await info.context.loaders.user.load(self._model.student_id)
        return Student.from_model(user) if user else None

    @strawberry.field(description="The class whose group this is.")
    async def school_class(self, info: Info) -> SchoolClass | None:
        if self._model.school_class_id is None:
            return None
        found = await info.context.loaders.school_class.load(self._model.school_class_id)
        return SchoolClass.from_model(found) if found else None

    @strawberry.field(description="The teacher of a parent-teacher conversation.")
    async def teacher(self, info: Info) -> Teacher | None:
        if self._model.teacher_id is None:
            return None
        user = await info.context.loaders.user.load(self._model.teacher_id)
        return Teacher.from_model(user) if user else None

    @strawberry.field(description="The parent of a parent-teacher conversation.")
    async def parent(self, info: Info) -> Participant | None:
        if self._model.parent_id is None:
            return None
        return await _participant(info, self._model, self._model.parent_id)

    @strawberry.field(description="Messages of others the viewer has not read yet.")
    async def unread_count(self, info: Info) -> int | None:
        viewer = await info.context.viewer()
        if viewer.user_id is None:
            return 0
        return await info.context.loaders.unread.load((viewer.user_id, self._model.id))

    @strawberry.field(description="How far each participant has read, for those who have.")
    async def read_receipts(self, info: Info) -> list[ReadReceipt] | None:
        reads = await info.context.loaders.conversation_reads.load(self._model.id)
        return [ReadReceipt.from_model(self._model, r) for r in reads]

    @strawberry.field(description="Messages, newest first.")
    async def messages(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> MessageConnection | None:
        check_page_size(info, first)
        page = await conversations.messages_page(self._model, first, after)
        edges = [
            MessageEdge(cursor=conversations.message_cursor(m), node=Message.build(self._model, m))
            for m in page.rows
        ]
        return MessageConnection(
            edges=edges,
            page_info=page_info([e.cursor for e in edges], has_next=page.has_next, after=after),
            total_count=page.total,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()
        who = await conversations.talker(viewer, info.context.today())

        async def visible(conversation_id: int) -> models.Conversation:
            return await conversations.visible_conversation(who, conversation_id)

        return await resolve_each(node_ids, required, visible, cls.from_model)


ConversationEdge = Edge[Conversation]
ConversationConnection = Connection[Conversation]


# --- acknowledgements ------------------------------------------------------------------------


@strawberry.type(description="A parent's Ed25519 public key for signing acknowledgements.")
class SigningKey(relay.Node):
    id: relay.NodeID[int]
    public_key: str = strawberry.field(description="The raw 32-byte public key, base64.")
    fingerprint: str = strawberry.field(description="SHA-256 of the raw key, hex.")
    created_at: datetime.datetime = strawberry.field(description="When it was registered.")
    revoked_at: datetime.datetime | None = strawberry.field(
        description="When it was revoked; nothing new is signed with it since."
    )

    @classmethod
    def from_model(cls, key: models.SigningKey) -> Self:
        return cls(
            id=key.id,
            public_key=key.public_key,
            fingerprint=key.fingerprint,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(key_id: int) -> models.SigningKey:
            return await acks.visible_key(viewer, key_id)

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(description="The electronic signature of an acknowledgement, as stored.")
class AcknowledgementSignature:
    signed_payload: str = strawberry.field(
        description="The exact text that was signed; its ASCII bytes are the signed bytes."
    )
    public_key: str = strawberry.field(description="The parent's public key, raw, base64.")
    signature: str = strawberry.field(description="The Ed25519 signature, 64 bytes, base64.")
    _ack: strawberry.Private[models.Acknowledgement]
    _request: strawberry.Private[models.AckRequest]

    @strawberry.field(
        description="Verified again now from the stored text, key and signature: true when "
        "the signature holds and the text names this request's current text, this parent "
        "and this child."
    )
    def valid(self) -> bool:
        return acks.signature_valid(self._ack, self._request)


@strawberry.type(description="A parent's acknowledgement of a request, for one child.")
class Acknowledgement(relay.Node):
    id: relay.NodeID[int]
    acknowledged_at: datetime.datetime = strawberry.field(description="When it was given.")
    signed: bool = strawberry.field(description="Whether it carries an electronic signature.")
    _model: strawberry.Private[models.Acknowledgement]
    _request: strawberry.Private[models.AckRequest]

    @classmethod
    def build(cls, ack: models.Acknowledgement, request: models.AckRequest) -> Self:
        return cls(
            id=ack.id,
            acknowledged_at=ack.acknowledged_at,
            signed=ack.signature is not None,
            _model=ack,
            _request=request,
        )

    @strawberry.field(description="The signature, to verify; null when not signed.")
    def signature(self) -> AcknowledgementSignature | None:
        ack = self._model
        if ack.signature is None or ack.signed_payload is None or ack.public_key is None:
            return None
        return AcknowledgementSignature(
            signed_payload=ack.signed_payload,
            public_key=ack.public_key,
            signature=ack.signature,
            _ack=ack,
            _request=self._request,
        )

    @strawberry.field(description="The child it is given for.")
    async def student(self, info: Info) -> Student | None:
        user = await info.context.loaders.user.load(self._model.student_id)
        assert user is not None
        return Student.from_model(user)

    @strawberry.field(description="The parent who gave it.")
    async def parent_name(self, info: Info) -> str | None:
        user = await info.context.loaders.user.load(self._model.parent_id)
        return user.full_name if user else ""

    @strawberry.field(description="The request acknowledged.")
    def request(self) -> AcknowledgementRequest:
        return AcknowledgementRequest.from_model(self._request)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(ack_id: int) -> models.Acknowledgement:
            return await acks.visible_acknowledgement(viewer, ack_id)

        return await resolve_each(
            node_ids, required, visible, lambda ack: cls.build(ack, ack.request)
        )


@strawberry.type(description="One parent of one addressed child, and their acknowledgement.")
class AcknowledgementStatus:
    student: Student = strawberry.field(description="The child the acknowledgement is asked for.")
    parent_name: str = strawberry.field(description="The parent's full name.")
    acknowledgement: Acknowledgement | None = strawberry.field(
        description="Their acknowledgement; null while they have not given it."
    )


@strawberry.type(
    description="A message of the class teacher that parents must acknowledge per child."
)
class AcknowledgementRequest(relay.Node):
    id: relay.NodeID[int]
    title: str = strawberry.field(description="What it is about, such as a trip consent.")
    text: str = strawberry.field(description="The text to acknowledge, exactly as written.")
    text_sha256: str = strawberry.field(
        description="SHA-256 of the text in UTF-8, hex; signatures cover it."
    )
    created_at: datetime.datetime = strawberry.field(description="When it was sent.")
    _model: strawberry.Private[models.AckRequest]

    @classmethod
    def from_model(cls, request: models.AckRequest) -> Self:
        return cls(
            id=request.id,
            title=request.title,
            text=request.text,
            text_sha256=request.text_sha256,
            created_at=request.created_at,
            _model=request,
        )

    @strawberry.field(description="The class it went to.")
    async def school_class(self, info: Info) -> SchoolClass | None:
        found = await info.context.loaders.school_class.load(self._model.school_class_id)
        assert found is not None
        return SchoolClass.from_model(found)

    @strawberry.field(description="The class teacher who sent it.")
    async def author(self, info: Info) -> Teacher | None:
        user = await info.context.loaders.user.load(self._model.author_id)
        assert user is not None
        return Teacher.from_model(user)

    @strawberry.field(
        description="Each parent of each addressed child, with their acknowledgement or null: "
        "all of them for the class teacher and the administration, a parent's own rows for "
        "a parent."
    )
    async def statuses(self, info: Info) -> list[AcknowledgementStatus] | None:
        viewer = await info.context.require_viewer()
        facts = await acks.visible_request(viewer, self._model.id)
        found = await acks.statuses(viewer, facts)
        return [
            AcknowledgementStatus(
                student=Student.from_model(s.student),
                parent_name=s.parent.full_name,
                acknowledgement=(
                    Acknowledgement.build(s.acknowledgement, self._model)
                    if s.acknowledgement
                    else None
                ),
            )
            for s in found
        ]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(request_id: int) -> models.AckRequest:
            return (await acks.visible_request(viewer, request_id)).request

        return await resolve_each(node_ids, required, visible, cls.from_model)


AcknowledgementRequestEdge = Edge[AcknowledgementRequest]
AcknowledgementRequestConnection = Connection[AcknowledgementRequest]


@strawberry.type(description="What to sign for one acknowledgement, valid once and briefly.")
class AcknowledgementChallenge:
    nonce: str = strawberry.field(description="Send it back with the signature.")
    payload: str = strawberry.field(
        description="The exact text to sign with Ed25519: sign its ASCII bytes as they are."
    )
    expires_at: datetime.datetime = strawberry.field(description="Sign and send before this.")
