"""Counters against guessing and floods, and single-use secrets sent to people."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tortoise import fields
from tortoise.models import Model

if TYPE_CHECKING:
    from ediary.domain.models.people import User


class RateLimit(Model):
    """Attempts counted per scope and key, to slow down guessing and floods."""

    id = fields.IntField(primary_key=True)
    # What is limited, such as "login" or "dnevnik.redeem.ip".
    scope = fields.CharField(max_length=64)
    # A digest, not the key: keys are logins, client addresses and even access codes.
    key_hash = fields.CharField(max_length=64)
    # Attempts admitted in the current window; one more than the limit while locked.
    attempts = fields.IntField(default=0)
    # Unix seconds when the count starts afresh: the end of the window, or of the lock once
    # the limit is reached. Whole numbers compare alike in SQLite and PostgreSQL.
    resets_at = fields.BigIntField()

    class Meta:
        table = "rate_limit"
        unique_together = (("scope", "key_hash"),)


class OneTimeToken(Model):
    """A single-use secret given to a person, such as a confirmation or reset link."""

    id = fields.IntField(primary_key=True)
    purpose = fields.CharField(max_length=64)
    # Only a digest of purpose and secret is kept, so the table alone opens nothing.
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    payload: Any = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    user_id: int | None

    class Meta:
        table = "one_time_token"
        indexes = (("user_id", "purpose"),)


class OneTimeCode(Model):
    """A short code a person types, such as six digits sent by SMS: single-use, expiring, and
    dead after a few wrong tries."""

    id = fields.IntField(primary_key=True)
    purpose = fields.CharField(max_length=64)
    # A digest of what the code is for (a phone number, an account), looked up with the
    # purpose: a short code is checked against its subject, never searched for by value.
    subject_hash = fields.CharField(max_length=64)
    # Keyed with the server secret: a plain digest of six digits is undone by trying them all.
    code_hash = fields.CharField(max_length=64)
    user: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    payload: Any = fields.JSONField(default=dict)
    # Tries counted so far, right or wrong; past max_attempts the code is dead.
    attempts = fields.IntField(default=0)
    max_attempts = fields.IntField()
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    used_at = fields.DatetimeField(null=True)

    user_id: int | None

    class Meta:
        table = "one_time_code"
        indexes = (("purpose", "subject_hash"), ("user_id", "purpose"))


class QueryBudget(Model):
    """Query points a viewer or a client address spent in the current window."""

    id = fields.IntField(primary_key=True)
    # A digest of "user:<id>" or "address:<ip>", like the keys of rate_limit.
    key_hash = fields.CharField(max_length=64, unique=True)
    spent = fields.IntField(default=0)
    # Unix seconds: whole numbers compare alike in SQLite and PostgreSQL, unlike stored times.
    resets_at = fields.BigIntField()
    # Whether the last request charged to this key fitted in what was left.
    granted = fields.BooleanField(default=True)

    class Meta:
        table = "query_budget"
