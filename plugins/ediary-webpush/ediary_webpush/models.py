# Model docstrings become table comments: no quotes or semicolons in them.
"""The plugin's own Tortoise app, label "webpush": browsers' push subscriptions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from ediary.domain.models import User

APP_LABEL = "webpush"


class PushSubscription(Model):
    """A browser subscription to a push service, owned by one account."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    # The push service's URL for this browser: a capability, known only to its owner.
    endpoint = fields.CharField(max_length=1024, unique=True)
    # The browser's P-256 public key (65 bytes, uncompressed) and auth secret (16 bytes),
    # base64url without padding, as PushSubscription.toJSON() gives them.
    p256dh = fields.CharField(max_length=100)
    auth = fields.CharField(max_length=40)
    created_at = fields.DatetimeField(auto_now_add=True)

    user_id: int

    class Meta:
        app = APP_LABEL
        table = "webpush_subscription"
