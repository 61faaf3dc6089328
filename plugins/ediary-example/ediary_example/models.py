# Model docstrings become table comments: no quotes or semicolons in them.
"""The plugin's own Tortoise app, label "example"."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from ediary.domain.models import User


class Greeting(Model):
    """A greeting shown by the example plugin."""

    id = fields.IntField(primary_key=True)
    text = fields.CharField(max_length=200, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # Who stored it; null for imported greetings and once the author's account is deactivated.
    author: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    author_id: int | None

    class Meta:
        app = "example"
        table = "example_greeting"
