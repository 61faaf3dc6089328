"""The append-only history of marks, and the record of submitted batches of marks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from ediary.domain.enums import MarkAction

if TYPE_CHECKING:
    from ediary.domain.models.journal import Mark
    from ediary.domain.models.people import User


class MarkEvent(Model):
    """One change of a mark, chained to the previous event by a SHA-256 hash."""

    id = fields.IntField(primary_key=True)
    # Position in the one chain of all mark events: 1, 2, 3 and so on without gaps.
    seq = fields.BigIntField(unique=True)
    mark: fields.ForeignKeyRelation[Mark] = fields.ForeignKeyField(
        "diary.Mark", related_name="events", on_delete=fields.RESTRICT
    )
    action = fields.CharEnumField(MarkAction, max_length=16)
    actor: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    # Set by the writer, not by the database, so that the hashed value is the stored one.
    at = fields.DatetimeField()
    # What the mark is about never changes after it is created; every event repeats it so a
    # mark moved to another student or lesson directly in the database is detected.
    student_id = fields.IntField()
    subject_id = fields.IntField()
    lesson_id = fields.IntField(null=True)
    date = fields.DateField()
    old_value = fields.SmallIntField(null=True)
    new_value = fields.SmallIntField()
    old_weight = fields.SmallIntField(null=True)
    new_weight = fields.SmallIntField()
    old_kind = fields.CharField(max_length=16, null=True)
    new_kind = fields.CharField(max_length=16)
    old_comment = fields.CharField(max_length=500, null=True)
    new_comment = fields.CharField(max_length=500)
    reason = fields.CharField(max_length=500, default="")
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64, unique=True)

    mark_id: int
    actor_id: int

    class Meta:
        table = "mark_event"
        indexes = (("mark_id", "seq"),)


class MarkBatch(Model):
    """A batch of marks a teacher submitted under an idempotency key, so a repeat is refused."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=100)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    # IDs of the marks the batch created, comma-separated, to answer a repeat with them.
    mark_ids = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    author_id: int

    class Meta:
        table = "mark_batch"
        unique_together = (("author", "key"),)
