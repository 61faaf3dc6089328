"""Types of school life: announcements, teachers' blogs, meetings and parents' replies."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay

from ediary.domain import enums, models
from ediary.domain.life import announcements, meetings
from ediary.domain.paging import Page
from ediary.schema.ids import resolve_each
from ediary.schema.info import Info
from ediary.schema.paging import Connection, Edge, check_page_size, connection, page_info
from ediary.schema.types.people import Student, Teacher
from ediary.schema.types.school import School, SchoolClass

AnnouncementKind = strawberry.enum(
    enums.AnnouncementKind,
    description="What an announcement is about: NEWS, QUARANTINE, COMPETITION or SCHEDULE_CHANGE.",
)
Audience = strawberry.enum(
    enums.Audience,
    description="Who an item is for: a whole SCHOOL, one CLASS, or the families of the classes "
    "a teacher teaches (BLOG).",
)
MeetingAnswer = strawberry.enum(
    enums.MeetingAnswer, description="A parent's answer to a meeting, for one child."
)


@strawberry.type(description="A file attached to an announcement or blog entry.")
class AnnouncementAttachment(relay.Node):
    id: relay.NodeID[int]
    filename: str = strawberry.field(description="Original file name.")
    content_type: str = strawberry.field(
        description="MIME type of the file, as its contents show, not as its name claims."
    )
    size: int = strawberry.field(description="Size in bytes.")

    @classmethod
    def from_model(cls, attachment: models.AnnouncementAttachment) -> Self:
        return cls(
            id=attachment.id,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
        )

    @strawberry.field(
        description="Absolute address to download the file from, with the same login (cookie "
        "or bearer token)."
    )
    def url(self, info: Info) -> str:
        return info.context.links.announcement_file(self.id)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()
        now = info.context.now()

        async def visible(attachment_id: int) -> models.AnnouncementAttachment:
            return await announcements.visible_attachment(viewer, attachment_id, now)

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(
    description="News of a school or a class, or an entry of a teacher's blog. Title and text "
    "are plain text exactly as written: show them as text, never as HTML."
)
class Announcement(relay.Node):
    id: relay.NodeID[int]
    audience: Audience = strawberry.field(  # type: ignore[valid-type]
        description="SCHOOL news, CLASS news, or a BLOG entry."
    )
    kind: AnnouncementKind = strawberry.field(  # type: ignore[valid-type]
        description="What it is about."
    )
    title: str = strawberry.field(description="The title, plain text.")
    text: str = strawberry.field(description="The text, plain text exactly as written.")
    published_at: datetime.datetime = strawberry.field(
        description="When it is (or was) shown to families."
    )
    expires_at: datetime.datetime | None = strawberry.field(
        description="When families stop seeing it; null while it stays up."
    )
    created_at: datetime.datetime = strawberry.field(description="When it was written.")
    updated_at: datetime.datetime = strawberry.field(description="When it last changed.")
    attachments: list[AnnouncementAttachment] = strawberry.field(
        description="Files attached to it."
    )
    _model: strawberry.Private[models.Announcement]

    @classmethod
    def from_model(cls, item: models.Announcement) -> Self:
        return cls(
            id=item.id,
            audience=item.audience,
            kind=item.kind,
            title=item.title,
            text=item.text,
            published_at=item.published_at,
            expires_at=item.expires_at,
            created_at=item.created_at,
            updated_at=item.updated_at,
            attachments=[AnnouncementAttachment.from_model(a) for a in item.attachments],
            _model=item,
        )

    @strawberry.field(description="Who wrote it.")
    async def author(self, info: Info) -> Teacher | None:
        user = await info.context.loaders.user.load(self._model.author_id)
        assert user is not None
        return Teacher.from_model(user)

    @strawberry.field(description="The school of SCHOOL and CLASS news; null for a blog entry.")
    async def school(self, info: Info) -> School | None:
        if self._model.school_id is None:
            return None
        school = await info.context.loaders.school.load(self._model.school_id)
        return School.from_model(school) if school else None

    @strawberry.field(description="The class of CLASS news; null otherwise.")
    async def school_class(self, info: Info) -> SchoolClass | None:
        if self._model.school_class_id is None:
            return None
        found = await info.context.loaders.school_class.load(self._model.school_class_id)
        return SchoolClass.from_model(found) if found else None

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()
        now = info.context.now()

        async def visible(announcement_id: int) -> models.Announcement:
            return await announcements.visible_announcement(viewer, announcement_id, now)

        return await resolve_each(node_ids, required, visible, cls.from_model)


AnnouncementEdge = Edge[Announcement]
AnnouncementConnection = Connection[Announcement]


def announcement_page(page: Page[models.Announcement], after: str | None) -> AnnouncementConnection:
    nodes = [Announcement.from_model(item) for item in page.items]
    return connection(nodes, page.cursors, has_next=page.has_next, after=after, total=page.total)


@strawberry.type(description="A parent's answer to a meeting for one of their children.")
class MeetingReply:
    answer: MeetingAnswer = strawberry.field(  # type: ignore[valid-type]
        description="WILL_ATTEND or CANNOT_ATTEND."
    )
    answered_at: datetime.datetime = strawberry.field(description="When it was last given.")
    _model: strawberry.Private[models.MeetingReply]

    @classmethod
    def from_model(cls, reply: models.MeetingReply) -> Self:
        return cls(answer=reply.answer, answered_at=reply.answered_at, _model=reply)

    @strawberry.field(description="The child the answer is for.")
    async def student(self, info: Info) -> Student | None:
        user = await info.context.loaders.user.load(self._model.student_id)
        assert user is not None
        return Student.from_model(user)


@strawberry.type(
    description="A parent the meeting concerns, for one child, and their answer; no answer "
    "yet when `answer` is null."
)
class MeetingInvitee:
    answer: MeetingAnswer | None = strawberry.field(  # type: ignore[valid-type]
        description="The answer, or null while the parent has not answered."
    )
    answered_at: datetime.datetime | None = strawberry.field(description="When they answered.")
    _student_id: strawberry.Private[int]
    _parent_id: strawberry.Private[int]

    @strawberry.field(description="The invited family's child, through whom the parent is invited.")
    async def student(self, info: Info) -> Student | None:
        user = await info.context.loaders.user.load(self._student_id)
        assert user is not None
        return Student.from_model(user)

    @strawberry.field(description="Full name of the parent or guardian.")
    async def parent_name(self, info: Info) -> str | None:
        user = await info.context.loaders.user.load(self._parent_id)
        assert user is not None
        return user.full_name


MeetingInviteeEdge = Edge[MeetingInvitee]
MeetingInviteeConnection = Connection[MeetingInvitee]


@strawberry.type(
    description="A parent-teacher meeting of a class or a meeting of a school. Texts are "
    "plain text exactly as written."
)
class Meeting(relay.Node):
    id: relay.NodeID[int]
    audience: Audience = strawberry.field(  # type: ignore[valid-type]
        description="CLASS for a parent-teacher meeting, SCHOOL for a school meeting."
    )
    title: str = strawberry.field(
        description="What the meeting is called, as the organiser wrote it."
    )
    starts_at: datetime.datetime = strawberry.field(description="When it starts.")
    ends_at: datetime.datetime = strawberry.field(description="When it ends.")
    place: str = strawberry.field(description="Where it takes place; may be empty if online.")
    online_url: str | None = strawberry.field(
        description="The http(s) link of an online meeting; null when there is none."
    )
    agenda: str = strawberry.field(
        description="What will be discussed, as the organiser wrote it; may be empty."
    )
    minutes: str | None = strawberry.field(
        description="The minutes, once added after the meeting started."
    )
    minutes_added_at: datetime.datetime | None = strawberry.field(
        description="When the minutes were added."
    )
    cancelled_at: datetime.datetime | None = strawberry.field(
        description="When it was cancelled; null while it stands. A cancelled meeting stays "
        "listed and takes no more answers."
    )
    cancel_reason: str | None = strawberry.field(
        description="Why it was cancelled, as the organiser wrote it; null unless cancelled."
    )
    moved_from: datetime.datetime | None = strawberry.field(
        description="The start it had before it was last moved; null if never moved."
    )
    _model: strawberry.Private[models.Meeting]

    @classmethod
    def from_model(cls, meeting: models.Meeting) -> Self:
        return cls(
            id=meeting.id,
            audience=meeting.audience,
            title=meeting.title,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            place=meeting.place,
            online_url=meeting.online_url or None,
            agenda=meeting.agenda,
            minutes=meeting.minutes or None,
            minutes_added_at=meeting.minutes_added_at,
            cancelled_at=meeting.cancelled_at,
            cancel_reason=meeting.cancel_reason if meeting.cancelled_at else None,
            moved_from=meeting.moved_from,
            _model=meeting,
        )

    @strawberry.field(description="Who scheduled it.")
    async def organiser(self, info: Info) -> Teacher | None:
        user = await info.context.loaders.user.load(self._model.author_id)
        assert user is not None
        return Teacher.from_model(user)

    @strawberry.field(description="The school holding the meeting.")
    async def school(self, info: Info) -> School | None:
        school = await info.context.loaders.school.load(self._model.school_id)
        assert school is not None
        return School.from_model(school)

    @strawberry.field(description="The class of a CLASS meeting; null for a school meeting.")
    async def school_class(self, info: Info) -> SchoolClass | None:
        if self._model.school_class_id is None:
            return None
        found = await info.context.loaders.school_class.load(self._model.school_class_id)
        return SchoolClass.from_model(found) if found else None

    @strawberry.field(description="The viewer's own answers, one per child; empty for others.")
    async def my_replies(self, info: Info) -> list[MeetingReply] | None:
        viewer = await info.context.require_viewer()
        assert viewer.user_id is not None
        found = await info.context.loaders.meeting_replies.load((self.id, viewer.user_id))
        return [MeetingReply.from_model(r) for r in found]

    @strawberry.field(
        description="Every parent the meeting concerns (per child enrolled today), with their "
        "answer or none yet: for the organiser, the class teacher and the administration; "
        "FORBIDDEN for others."
    )
    async def invitees(
        self, info: Info, first: int = 50, after: str | None = None
    ) -> MeetingInviteeConnection | None:
        check_page_size(info, first)
        viewer = await info.context.require_viewer()
        today = info.context.today()
        page = await meetings.invitees(viewer, self._model, today, first=first, after=after)
        edges = [
            MeetingInviteeEdge(
                cursor=cursor,
                node=MeetingInvitee(
                    answer=item.reply.answer if item.reply else None,
                    answered_at=item.reply.answered_at if item.reply else None,
                    _student_id=item.student_id,
                    _parent_id=item.parent_id,
                ),
            )
            for item, cursor in zip(page.items, page.cursors, strict=True)
        ]
        return MeetingInviteeConnection(
            edges=edges,
            page_info=page_info(page.cursors, has_next=page.has_next, after=after),
            total_count=page.total,
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(meeting_id: int) -> models.Meeting:
            return await meetings.visible_meeting(viewer, meeting_id)

        return await resolve_each(node_ids, required, visible, cls.from_model)


MeetingEdge = Edge[Meeting]
MeetingConnection = Connection[Meeting]


def meeting_page(page: Page[models.Meeting], after: str | None) -> MeetingConnection:
    nodes = [Meeting.from_model(item) for item in page.items]
    return connection(nodes, page.cursors, has_next=page.has_next, after=after, total=page.total)


@strawberry.type
class LifeQuery:
    @strawberry.field(
        description="School and class news and teachers' blog entries for the viewer: the "
        "schools and classes of their children (or their own), latest first. Families see "
        "only published items that have not expired; authors and the administration see "
        "theirs before and after."
    )
    async def announcements(
        self,
        info: Info,
        first: int = 20,
        after: str | None = None,
        kind: AnnouncementKind | None = None,  # type: ignore[valid-type]
    ) -> AnnouncementConnection | None:
        check_page_size(info, first)
        viewer = await info.context.require_viewer()
        page = await announcements.announcements(
            viewer, info.context.now(), first=first, after=after, kind=kind
        )
        return announcement_page(page, after)

    @strawberry.field(
        description="Class and school meetings the viewer is concerned by, the latest start first."
    )
    async def meetings(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> MeetingConnection | None:
        check_page_size(info, first)
        viewer = await info.context.require_viewer()
        page = await meetings.meetings(viewer, first=first, after=after)
        return meeting_page(page, after)
