# Model docstrings become table comments, and the SQLite schema editor neither escapes quotes
# nor guards semicolons in them: keep both out of model docstrings.
"""The plugin's own Tortoise app, label "moscow": applications for the student diary service,
the links the portal made, and the portal logins of accounts."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from ediary.domain.models import School, User

APP_LABEL = "moscow"


class ApplicationStatus(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REFUSED = "refused"


class RefusalReason(StrEnum):
    """The fixed list a school picks from when it refuses an application."""

    DATA_MISMATCH = "data_mismatch"
    DOCUMENT_INVALID = "document_invalid"
    NOT_A_GUARDIAN = "not_a_guardian"
    DUPLICATE = "duplicate"
    OTHER = "other"


class DocumentKind(StrEnum):
    BIRTH_CERTIFICATE = "birth_certificate"
    PASSPORT = "passport"
    FOREIGN_DOCUMENT = "foreign_document"


class DiaryApplication(Model):
    """An application for access to a childs electronic diary, filed by a parent."""

    id = fields.IntField(primary_key=True)
    parent: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "diary.School", related_name=False, on_delete=fields.CASCADE
    )
    # The enrolled student the school matched the child data to when it approved; null
    # until then. Filing looks nobody up, so a parent cannot probe SNILS for enrollment.
    student: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.CASCADE
    )
    child_last_name = fields.CharField(max_length=100)
    child_first_name = fields.CharField(max_length=100)
    child_middle_name = fields.CharField(max_length=100, default="")
    child_birth_date = fields.DateField()
    child_snils = fields.CharField(max_length=11)
    document_kind = fields.CharEnumField(DocumentKind, max_length=32)
    document_series = fields.CharField(max_length=16, default="")
    document_number = fields.CharField(max_length=32)
    document_issued_on = fields.DateField()
    document_issued_by = fields.CharField(max_length=300, default="")
    # Consent to personal data processing: who gave it, when, and which text they accepted.
    consent_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    consent_at = fields.DatetimeField()
    consent_version = fields.CharField(max_length=32)
    status = fields.CharEnumField(
        ApplicationStatus, max_length=16, default=ApplicationStatus.SUBMITTED
    )
    filed_at = fields.DatetimeField(auto_now_add=True)
    due_on = fields.DateField()
    reviewed_at = fields.DatetimeField(null=True)
    reviewed_by: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    refusal_reason = fields.CharEnumField(RefusalReason, max_length=32, null=True)
    refusal_comment = fields.TextField(default="")

    parent_id: int
    school_id: int
    student_id: int | None
    consent_by_id: int
    reviewed_by_id: int | None

    class Meta:
        app = APP_LABEL
        table = "moscow_diary_application"
        indexes = (("school_id", "status", "due_on"),)


class PortalLink(Model):
    """A guardianship made at a portal login because the portal listed the child."""

    # Links from approved applications are not here: the portal does not list those
    # children, so its list must not end them.

    id = fields.IntField(primary_key=True)
    parent: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    linked_at = fields.DatetimeField(auto_now_add=True)

    parent_id: int
    student_id: int

    class Meta:
        app = APP_LABEL
        table = "moscow_portal_link"
        unique_together = (("parent", "student"),)


class PortalIdentity(Model):
    """The portal login of an account: its subject, and the SNILS the portal vouched for."""

    # An account has at most one, and a subject belongs to at most one account.

    id = fields.IntField(primary_key=True)
    user: fields.OneToOneRelation[User] = fields.OneToOneField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    # The ID token's `sub` (ESIA's oid): stable for a person, unlike a name or an e-mail.
    subject = fields.CharField(max_length=255, unique=True)
    snils = fields.CharField(max_length=11)
    linked_at = fields.DatetimeField(auto_now_add=True)

    user_id: int

    class Meta:
        app = APP_LABEL
        table = "moscow_portal_identity"
