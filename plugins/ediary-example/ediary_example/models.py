# Model docstrings become table comments: no quotes or semicolons in them.
"""The plugin's own Tortoise app, label "example"."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Greeting(Model):
    """A greeting shown by the example plugin."""

    id = fields.IntField(primary_key=True)
    text = fields.CharField(max_length=200, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        app = "example"
        table = "example_greeting"
