"""Accounts, their roles, families and class membership, and login sessions."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from ediary.domain.enums import AccountEventKind, Role

if TYPE_CHECKING:
    from ediary.domain.models.school import Region, School, SchoolClass


class User(Model):
    """An account: a student, a parent, a member of staff or an official."""

    id = fields.IntField(primary_key=True)
    login = fields.CharField(max_length=254, unique=True)
    # Empty for accounts that only log in through a regional identity provider.
    password_hash = fields.CharField(max_length=200, default="")
    last_name = fields.CharField(max_length=100)
    first_name = fields.CharField(max_length=100)
    middle_name = fields.CharField(max_length=100, default="")
    email = fields.CharField(max_length=254, null=True)
    phone = fields.CharField(max_length=32, null=True)
    snils = fields.CharField(max_length=11, null=True, unique=True)
    is_active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    # When the school set a temporary password (`issued_logins`); null once the owner chose
    # their own. A password login while it is set opens a session that must change it.
    temporary_password_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account"

    @property
    def full_name(self) -> str:
        return full_name(self.last_name, self.first_name, self.middle_name)


def full_name(last_name: str, first_name: str, middle_name: str) -> str:
    """A person's name as the diary shows it: family name, given name, patronymic."""
    return " ".join(p for p in (last_name, first_name, middle_name) if p)


class RoleGrant(Model):
    """A role an account holds, scoped to a school or, for officials, to a region."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name="roles", on_delete=fields.CASCADE
    )
    role = fields.CharEnumField(Role, max_length=32)
    school: fields.ForeignKeyNullableRelation[School] = fields.ForeignKeyField(
        "diary.School", related_name="role_grants", null=True, on_delete=fields.CASCADE
    )
    region: fields.ForeignKeyNullableRelation[Region] = fields.ForeignKeyField(
        "diary.Region", related_name="role_grants", null=True, on_delete=fields.CASCADE
    )

    user_id: int
    school_id: int | None
    region_id: int | None

    class Meta:
        table = "role_grant"
        unique_together = (("user", "role", "school", "region"),)


class Guardianship(Model):
    """A parent or guardian of a student - one parent may have several children."""

    id = fields.IntField(primary_key=True)
    parent: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name="wards", on_delete=fields.CASCADE
    )
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name="guardians", on_delete=fields.CASCADE
    )
    relation = fields.CharField(max_length=32, default="parent")
    created_at = fields.DatetimeField(auto_now_add=True)

    parent_id: int
    student_id: int

    class Meta:
        table = "guardianship"
        unique_together = (("parent", "student"),)


class Enrollment(Model):
    """A student belongs to a class from one date to another (open-ended while current)."""

    id = fields.IntField(primary_key=True)
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name="enrollments", on_delete=fields.CASCADE
    )
    school_class: fields.ForeignKeyRelation[SchoolClass] = fields.ForeignKeyField(
        "diary.SchoolClass", related_name="enrollments", on_delete=fields.CASCADE
    )
    starts_on = fields.DateField()
    ends_on = fields.DateField(null=True)

    student_id: int
    school_class_id: int

    class Meta:
        table = "enrollment"
        # By class for registers and reports; by student for every diary read (placements).
        indexes = (("school_class_id", "starts_on"), ("student_id", "starts_on"))


class Session(Model):
    """A login session, kept in the database so that every server process sees it."""

    id = fields.IntField(primary_key=True)
    # Only a hash of the secret is stored: a leaked table does not let anyone log in.
    token_hash = fields.CharField(max_length=64, unique=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name="sessions", on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=16)
    csrf_token = fields.CharField(max_length=64, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    # Opened with a temporary password: nothing but the password change is served to it.
    must_change_password = fields.BooleanField(default=False)
    # The primary's WAL position after the session's last write (PostgreSQL with replicas):
    # its reads go to a replica only once that replica has replayed this far. A new session
    # starts at ediary.domain.replicas.UNRECORDED (the primary) until its login is recorded.
    write_lsn = fields.BigIntField(null=True)

    user_id: int

    class Meta:
        table = "login_session"


class AccountEvent(Model):
    """A change to the ways into an account (a login issued or re-issued, a password changed,
    a portal linked or unlinked), kept so that its owner can see who did what and when."""

    id = fields.IntField(primary_key=True)
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(AccountEventKind, max_length=32)
    # The login flow concerned (a plugin's flow id such as "moscow-portal"); empty for the
    # password.
    method = fields.CharField(max_length=64, default="")
    # Who made the change: the owner, a class teacher, an administrator; null once deleted.
    actor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    at = fields.DatetimeField(auto_now_add=True)

    user_id: int
    actor_id: int | None

    class Meta:
        table = "account_event"
        indexes = (("user_id", "at"),)
