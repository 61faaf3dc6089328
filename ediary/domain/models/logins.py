"""Logins and temporary passwords the school issues for the families of a class."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from ediary.domain.enums import Role

if TYPE_CHECKING:
    from ediary.domain.models.people import User
    from ediary.domain.models.school import SchoolClass


class LoginBatch(Model):
    """Logins issued together for a class by its class teacher or the school administration."""

    id = fields.IntField(primary_key=True)
    school_class: fields.ForeignKeyRelation[SchoolClass] = fields.ForeignKeyField(
        "diary.SchoolClass", related_name=False, on_delete=fields.CASCADE
    )
    # Null once that account is deleted; the batch stays as a record of what was issued.
    issued_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    # Until when the sheets of the batch can be printed; the nonces are wiped after it.
    sheets_until = fields.DatetimeField()

    school_class_id: int
    issued_by_id: int | None

    class Meta:
        table = "login_batch"
        indexes = (("school_class_id", "created_at"),)


class IssuedLogin(Model):
    """One login with a temporary password, issued to one person in a batch.

    The password is never stored: it is derived from the server secret and `nonce`, which is
    kept only while the sheets of the batch may be printed, then wiped."""

    id = fields.IntField(primary_key=True)
    batch: fields.ForeignKeyRelation[LoginBatch] = fields.ForeignKeyField(
        "diary.LoginBatch", related_name="logins", on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    # The child whose family sheet carries the login: the student, or the parent's child.
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=32)
    login = fields.CharField(max_length=254)
    # Empty once the sheets can no longer be printed.
    nonce = fields.CharField(max_length=64, default="")
    issued_at = fields.DatetimeField(auto_now_add=True)
    # Set when a later issue for the same person replaced this password.
    superseded_at = fields.DatetimeField(null=True)

    batch_id: int
    user_id: int
    student_id: int

    class Meta:
        table = "issued_login"
        indexes = (("user_id", "issued_at"),)
