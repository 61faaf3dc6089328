"""Private calendar feeds of a student's lessons and homework."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from ediary.domain.models.people import User


class CalendarFeed(Model):
    """A secret calendar address for one student, until revoked - only a hash is stored."""

    id = fields.IntField(primary_key=True)
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name="calendar_feeds", on_delete=fields.CASCADE
    )
    # The feed shows what its creator may see of the student at the time it is fetched.
    created_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    # SHA-256 of the secret in the address: a leaked table does not reveal any feed.
    secret_hash = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    revoked_at = fields.DatetimeField(null=True)

    student_id: int
    created_by_id: int

    class Meta:
        table = "calendar_feed"
        indexes = (("student_id", "created_by_id"),)
