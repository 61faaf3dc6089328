"""School life beside the journal: announcements, teachers' blogs and meetings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from ediary.domain.enums import AnnouncementKind, Audience, MeetingAnswer
from ediary.domain.models.files import StoredFile

if TYPE_CHECKING:
    from ediary.domain.models.people import User
    from ediary.domain.models.school import School, SchoolClass


class Announcement(Model):
    """News of a school or a class, or an entry of a teacher's blog."""

    id = fields.IntField(primary_key=True)
    audience = fields.CharEnumField(Audience, max_length=16)
    kind = fields.CharEnumField(AnnouncementKind, max_length=16, default=AnnouncementKind.NEWS)
    # Set for school and class news; a blog follows its author wherever they teach.
    school: fields.ForeignKeyNullableRelation[School] = fields.ForeignKeyField(
        "diary.School", related_name=False, null=True, on_delete=fields.CASCADE
    )
    school_class: fields.ForeignKeyNullableRelation[SchoolClass] = fields.ForeignKeyField(
        "diary.SchoolClass", related_name=False, null=True, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=200)
    # Plain text exactly as written: clients must show it as text, never as HTML.
    text = fields.TextField()
    published_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Withdrawn items stay for the record but are shown to nobody.
    withdrawn_at = fields.DatetimeField(null=True)

    school_id: int | None
    school_class_id: int | None
    author_id: int
    attachments: fields.ReverseRelation[AnnouncementAttachment]

    class Meta:
        table = "announcement"
        indexes = (
            ("school_id", "published_at"),
            ("school_class_id", "published_at"),
            ("author_id", "published_at"),
        )


class AnnouncementAttachment(StoredFile):
    """A file attached to an announcement or blog entry."""

    announcement: fields.ForeignKeyRelation[Announcement] = fields.ForeignKeyField(
        "diary.Announcement", related_name="attachments", on_delete=fields.CASCADE
    )

    announcement_id: int

    class Meta:
        table = "announcement_attachment"


class Meeting(Model):
    """A parent-teacher meeting of a class or a meeting of the whole school."""

    id = fields.IntField(primary_key=True)
    audience = fields.CharEnumField(Audience, max_length=16)
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "diary.School", related_name=False, on_delete=fields.CASCADE
    )
    school_class: fields.ForeignKeyNullableRelation[SchoolClass] = fields.ForeignKeyField(
        "diary.SchoolClass", related_name=False, null=True, on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    title = fields.CharField(max_length=200)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    place = fields.CharField(max_length=300, default="")
    online_url = fields.CharField(max_length=2000, default="")
    agenda = fields.TextField()
    minutes = fields.TextField(default="")
    minutes_added_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # A cancelled meeting stays shown, with the reason, so families see why it is off.
    cancelled_at = fields.DatetimeField(null=True)
    cancel_reason = fields.CharField(max_length=500, default="")
    # The start before the latest move, for "moved from ... to ..."; null if never moved.
    moved_from = fields.DatetimeField(null=True)

    school_id: int
    school_class_id: int | None
    author_id: int

    class Meta:
        table = "meeting"
        indexes = (("school_id", "starts_at"), ("school_class_id", "starts_at"))


class MeetingReply(Model):
    """A parent's answer to a meeting, for one of their children it concerns."""

    id = fields.IntField(primary_key=True)
    meeting: fields.ForeignKeyRelation[Meeting] = fields.ForeignKeyField(
        "diary.Meeting", related_name="replies", on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    answer = fields.CharEnumField(MeetingAnswer, max_length=16)
    answered_at = fields.DatetimeField()

    meeting_id: int
    parent_id: int
    student_id: int

    class Meta:
        table = "meeting_reply"
        unique_together = (("meeting", "parent", "student"),)
