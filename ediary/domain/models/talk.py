"""Conversations between families and teachers, acknowledgements and parents' signing keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from ediary.domain.enums import ConversationKind

if TYPE_CHECKING:
    from ediary.domain.models.people import User
    from ediary.domain.models.school import SchoolClass


class Conversation(Model):
    """A thread: one parent and one teacher about a child, or the group of a class."""

    id = fields.IntField(primary_key=True)
    kind = fields.CharEnumField(ConversationKind, max_length=16)
    # Set while a thread must stay the only one of its kind (the group of a class, the open
    # thread of a parent, a teacher and a child); a closed direct thread frees it.
    unique_key = fields.CharField(max_length=100, null=True, unique=True)
    school_class: fields.ForeignKeyNullableRelation[SchoolClass] = fields.ForeignKeyField(
        "diary.SchoolClass", related_name=False, null=True, on_delete=fields.CASCADE
    )
    student: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    teacher: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    # The last message, or the creation: lists of threads are ordered by it.
    activity_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)
    closed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    school_class_id: int | None
    student_id: int | None
    parent_id: int | None
    teacher_id: int | None
    closed_by_id: int | None

    class Meta:
        table = "conversation"
        indexes = (("parent_id", "activity_at"), ("teacher_id", "activity_at"))


class ConversationMessage(Model):
    """A message of plain text, kept exactly as written and never rendered as HTML."""

    id = fields.IntField(primary_key=True)
    conversation: fields.ForeignKeyRelation[Conversation] = fields.ForeignKeyField(
        "diary.Conversation", related_name="messages", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    text = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)

    conversation_id: int
    author_id: int

    class Meta:
        table = "conversation_message"
        indexes = (("conversation_id", "id"),)


class ConversationRead(Model):
    """How far a participant has read a thread: the read receipt of every earlier message."""

    id = fields.IntField(primary_key=True)
    conversation: fields.ForeignKeyRelation[Conversation] = fields.ForeignKeyField(
        "diary.Conversation", related_name="reads", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    last_read_message_id = fields.IntField()
    read_at = fields.DatetimeField()

    conversation_id: int
    user_id: int

    class Meta:
        table = "conversation_read"
        unique_together = (("conversation", "user"),)


class SigningKey(Model):
    """A parent's Ed25519 public key, which their acknowledgements are signed with."""

    id = fields.IntField(primary_key=True)
    owner: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    # The raw 32 bytes, base64; one key belongs to one account for good.
    public_key = fields.CharField(max_length=64)
    fingerprint = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    owner_id: int

    class Meta:
        table = "signing_key"
        indexes = (("owner_id", "revoked_at"),)


class AckRequest(Model):
    """A message of the class teacher that parents must acknowledge, such as a trip consent."""

    id = fields.IntField(primary_key=True)
    school_class: fields.ForeignKeyRelation[SchoolClass] = fields.ForeignKeyField(
        "diary.SchoolClass", related_name=False, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=200)
    text = fields.TextField()
    # SHA-256 of the text in UTF-8, hex: signatures cover it, so the text cannot change.
    text_sha256 = fields.CharField(max_length=64)
    created_at = fields.DatetimeField(auto_now_add=True)

    school_class_id: int
    author_id: int

    class Meta:
        table = "ack_request"
        indexes = (("school_class_id", "id"),)


class AckTarget(Model):
    """A student whose parents are asked to acknowledge a request."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[AckRequest] = fields.ForeignKeyField(
        "diary.AckRequest", related_name="targets", on_delete=fields.CASCADE
    )
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )

    request_id: int
    student_id: int

    class Meta:
        table = "ack_target"
        unique_together = (("request", "student"),)


class Acknowledgement(Model):
    """A parent's acknowledgement of a request for one child, signed when they hold a key."""

    id = fields.IntField(primary_key=True)
    request: fields.ForeignKeyRelation[AckRequest] = fields.ForeignKeyField(
        "diary.AckRequest", related_name="acknowledgements", on_delete=fields.CASCADE
    )
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    acknowledged_at = fields.DatetimeField()
    # The exact bytes that were signed (ASCII), the key and the signature (base64), kept so
    # that anyone allowed can verify the signature again later.
    signed_payload = fields.TextField(null=True)
    public_key = fields.CharField(max_length=64, null=True)
    signature = fields.CharField(max_length=128, null=True)
    signing_key: fields.ForeignKeyNullableRelation[SigningKey] = fields.ForeignKeyField(
        "diary.SigningKey", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    request_id: int
    student_id: int
    parent_id: int
    signing_key_id: int | None

    class Meta:
        table = "acknowledgement"
        unique_together = (("request", "student", "parent"),)
