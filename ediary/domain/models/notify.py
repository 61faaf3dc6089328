"""Notification preferences of families and the outbox of messages to send."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from ediary.domain.enums import NotifyMode, OutboxStatus
from ediary.domain.models.fields import ClockTimeField

if TYPE_CHECKING:
    from ediary.domain.models.people import User


class NotificationPreference(Model):
    """How a parent wants to hear about one child, and when not to be disturbed."""

    id = fields.IntField(primary_key=True)
    parent: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    mode = fields.CharEnumField(NotifyMode, max_length=16, default=NotifyMode.INSTANT)
    # Local hour (0 to 23) at which the daily digest goes out.
    digest_hour = fields.SmallIntField(default=19)
    # Instant messages that fall between these local times wait until quiet_to.
    quiet_from = ClockTimeField(null=True)
    quiet_to = ClockTimeField(null=True)
    updated_at = fields.DatetimeField(auto_now=True)

    parent_id: int
    student_id: int

    class Meta:
        table = "notification_preference"
        unique_together = (("parent", "student"),)


class OutboxMessage(Model):
    """A message to one address through one channel, written with the change it reports."""

    id = fields.IntField(primary_key=True)
    # One per event, recipient and channel: the same key is never sent twice.
    key = fields.CharField(max_length=200, unique=True)
    channel = fields.CharField(max_length=32)
    address = fields.CharField(max_length=254)
    subject = fields.CharField(max_length=200)
    text = fields.TextField()
    recipient: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    student_id = fields.IntField(null=True)
    status = fields.CharEnumField(OutboxStatus, max_length=16, default=OutboxStatus.PENDING)
    # Not before this moment: quiet hours, the digest hour or the next retry.
    due_at = fields.DatetimeField()
    attempts = fields.SmallIntField(default=0)
    # A worker owns a row while claimed_until is in the future.
    claimed_by = fields.CharField(max_length=64, null=True)
    claimed_until = fields.DatetimeField(null=True)
    sent_at = fields.DatetimeField(null=True)
    last_error = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    recipient_id: int

    class Meta:
        table = "outbox_message"
        indexes = (("status", "due_at"),)
