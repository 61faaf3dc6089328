# Model docstrings become table comments, and the SQLite schema editor neither escapes quotes
# nor guards semicolons in them: keep both out of model docstrings.
"""The plugin's own Tortoise app, label "dnevnik": batches of access codes and the codes."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from ediary.domain.models import OneTimeToken, SchoolClass, User

APP_LABEL = "dnevnik"


class CodeRole(StrEnum):
    """Who an access code is for: a parent of the child, or the child."""

    PARENT = "parent"
    STUDENT = "student"


class AccessCodeBatch(Model):
    """Access codes issued together for the families of one class."""

    id = fields.IntField(primary_key=True)
    school_class: fields.ForeignKeyRelation[SchoolClass] = fields.ForeignKeyField(
        "diary.SchoolClass", related_name=False, on_delete=fields.CASCADE
    )
    issued_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()

    school_class_id: int
    issued_by_id: int | None

    class Meta:
        app = APP_LABEL
        table = "dnevnik_access_code_batch"


class AccessCode(Model):
    """One access code for one child and one role, usable once before it expires."""

    id = fields.IntField(primary_key=True)
    batch: fields.ForeignKeyRelation[AccessCodeBatch] = fields.ForeignKeyField(
        "dnevnik.AccessCodeBatch", related_name="codes", on_delete=fields.CASCADE
    )
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(CodeRole, max_length=16)
    # Expiry, single use and the stored digest are the core token's job.
    token: fields.OneToOneRelation[OneTimeToken] = fields.OneToOneField(
        "diary.OneTimeToken", related_name=False, on_delete=fields.CASCADE
    )
    # The code is derived from this nonce and the server secret, so the printable sheet can
    # be produced again while the table alone yields no usable code.
    nonce = fields.CharField(max_length=32)
    redeemed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    batch_id: int
    student_id: int
    token_id: int
    redeemed_by_id: int | None

    class Meta:
        app = APP_LABEL
        table = "dnevnik_access_code"
