"""Mutations of school life: announcements, blog entries, meetings, replies and minutes."""

from __future__ import annotations

import datetime

import strawberry
from strawberry import relay
from strawberry.file_uploads import Upload

from ediary.adapters.limits import capped_list
from ediary.domain.enums import AnnouncementKind as DomainKind
from ediary.domain.enums import Audience as DomainAudience
from ediary.domain.enums import MeetingAnswer as DomainAnswer
from ediary.domain.errors import InvalidInput
from ediary.domain.life import announcements, meetings
from ediary.domain.uploads import MAX_FILES
from ediary.schema.errors import UserError, refusals
from ediary.schema.info import Info
from ediary.schema.types.life import (
    Announcement,
    AnnouncementKind,
    Meeting,
    MeetingAnswer,
    MeetingReply,
)
from ediary.schema.writes import input_id
from ediary.schema.writes.uploads import file_rules, read_uploads

FILES_DESCRIPTION = (
    "Files, sent as a multipart request (GraphQL multipart request spec). PDF, images, text "
    "and office documents; the type is judged by the contents."
)


@strawberry.input(
    description="News for a school (schoolId) or for a class (classId): give exactly one."
)
class PostAnnouncementInput:
    school_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The school, for school-wide news (its administration)."
    )
    class_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The class, for class news (its class teacher, administration)."
    )
    kind: AnnouncementKind = strawberry.field(  # type: ignore[valid-type]
        default=DomainKind.NEWS, description="What it is about."
    )
    title: str = strawberry.field(description="The title, plain text, at most 200 characters.")
    text: str = strawberry.field(
        description="The text, plain text kept exactly as given, at most 20000 characters."
    )
    publish_at: datetime.datetime | None = strawberry.field(
        default=None,
        description="When families start seeing it; now when null. A time without a zone is "
        "the schools' local time.",
    )
    expires_at: datetime.datetime | None = strawberry.field(
        default=None, description="When families stop seeing it; it stays up when null."
    )
    attachments: list[Upload] = capped_list(MAX_FILES, FILES_DESCRIPTION, default_factory=list)
    notify_families: bool = strawberry.field(
        default=True,
        description="Tell the families it reaches through their notification channels, once "
        "it is published (at publishAt for a scheduled item).",
    )


@strawberry.input(description="An entry of the viewer's blog, for the families they teach.")
class PostBlogEntryInput:
    kind: AnnouncementKind = strawberry.field(  # type: ignore[valid-type]
        default=DomainKind.NEWS, description="What it is about."
    )
    title: str = strawberry.field(description="The title, plain text, at most 200 characters.")
    text: str = strawberry.field(
        description="The text, plain text kept exactly as given, at most 20000 characters."
    )
    publish_at: datetime.datetime | None = strawberry.field(
        default=None, description="When families start seeing it; now when null."
    )
    expires_at: datetime.datetime | None = strawberry.field(
        default=None, description="When families stop seeing it; it stays up when null."
    )
    attachments: list[Upload] = capped_list(MAX_FILES, FILES_DESCRIPTION, default_factory=list)
    notify_families: bool = strawberry.field(
        default=False,
        description="Also tell the families of the classes the teacher teaches or leads "
        "through their notification channels, once it is published. Off by default: a blog "
        "is read at leisure.",
    )


@strawberry.input(description="A change of the viewer's announcement; null fields stay.")
class EditAnnouncementInput:
    announcement_id: relay.GlobalID = strawberry.field(
        description="ID of the announcement to change; only its author may."
    )
    kind: AnnouncementKind | None = strawberry.field(  # type: ignore[valid-type]
        default=None, description="The new kind."
    )
    title: str | None = strawberry.field(default=None, description="The new title.")
    text: str | None = strawberry.field(default=None, description="The new text.")
    publish_at: datetime.datetime | None = strawberry.field(
        default=None, description="The new moment of publication."
    )
    expires_at: datetime.datetime | None = strawberry.field(
        default=None, description="The new expiry."
    )
    clear_expiry: bool = strawberry.field(
        default=False, description="Drop the expiry, so it stays up until withdrawn."
    )
    add_attachments: list[Upload] = capped_list(
        MAX_FILES, "Files to add, as in postAnnouncement.", default_factory=list
    )
    remove_attachments: list[relay.GlobalID] = capped_list(
        MAX_FILES, "IDs of attached files to remove.", default_factory=list
    )


@strawberry.input(description="The announcement to withdraw.")
class WithdrawAnnouncementInput:
    announcement_id: relay.GlobalID = strawberry.field(
        description="ID of the announcement to withdraw."
    )


@strawberry.type(description="The result of a write of an announcement or blog entry.")
class AnnouncementPayload:
    announcement: Announcement | None = strawberry.field(description="The item as saved.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


@strawberry.input(
    description="A meeting of a class (classId) or of a school (schoolId): give exactly one."
)
class ScheduleMeetingInput:
    school_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The school, for a school meeting (its administration)."
    )
    class_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="The class, for a parent-teacher meeting (its class teacher, administration).",
    )
    title: str = strawberry.field(description="The title, at most 200 characters.")
    starts_at: datetime.datetime = strawberry.field(
        description="When it starts; in the future. A time without a zone is the schools' "
        "local time."
    )
    ends_at: datetime.datetime = strawberry.field(description="When it ends; after the start.")
    place: str = strawberry.field(default="", description="Where; needed unless online.")
    online_url: str = strawberry.field(
        default="", description="An http:// or https:// link, for an online meeting."
    )
    agenda: str = strawberry.field(description="The agenda, plain text.")
    notify_families: bool = strawberry.field(
        default=True,
        description="Tell the families it concerns through their notification channels.",
    )


@strawberry.input(description="A change of an upcoming meeting's description; null fields stay.")
class EditMeetingInput:
    meeting_id: relay.GlobalID = strawberry.field(
        description="ID of the meeting; upcoming and not cancelled."
    )
    title: str | None = strawberry.field(
        default=None, description="The new title, at most 200 characters."
    )
    agenda: str | None = strawberry.field(default=None, description="The new agenda.")
    place: str | None = strawberry.field(
        default=None, description="The new place; empty for an online meeting."
    )
    online_url: str | None = strawberry.field(
        default=None, description="The new http(s) link; empty for none."
    )
    notify_families: bool = strawberry.field(
        default=True, description="Tell the families it concerns what changed."
    )


@strawberry.input(description="Another time for an upcoming meeting.")
class MoveMeetingInput:
    meeting_id: relay.GlobalID = strawberry.field(
        description="ID of the meeting; upcoming and not cancelled."
    )
    starts_at: datetime.datetime = strawberry.field(
        description="The new start; in the future. A time without a zone is the schools' "
        "local time."
    )
    ends_at: datetime.datetime = strawberry.field(description="The new end; after the start.")
    notify_families: bool = strawberry.field(
        default=True,
        description="Tell the families it concerns: moved from the old time to the new one, "
        "and that their answers were reset.",
    )


@strawberry.input(description="The cancellation of an upcoming meeting.")
class CancelMeetingInput:
    meeting_id: relay.GlobalID = strawberry.field(
        description="ID of the meeting; upcoming and not cancelled."
    )
    reason: str = strawberry.field(
        description="Why, shown with the meeting and told to families; at most 500 characters."
    )
    notify_families: bool = strawberry.field(
        default=True, description="Tell the families it concerns, with the reason."
    )


@strawberry.type(
    description="The result of scheduling, editing, moving or cancelling a meeting, or of "
    "adding its minutes."
)
class MeetingPayload:
    meeting: Meeting | None = strawberry.field(description="The meeting as saved.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


@strawberry.input(description="A parent's answer to a meeting, for one child.")
class AnswerMeetingInput:
    meeting_id: relay.GlobalID = strawberry.field(
        description="ID of a meeting the viewer is invited to."
    )
    student_id: relay.GlobalID = strawberry.field(
        description="The child, in the class (or school) of the meeting."
    )
    answer: MeetingAnswer = strawberry.field(  # type: ignore[valid-type]
        description="WILL_ATTEND or CANNOT_ATTEND; can be changed until the meeting starts."
    )


@strawberry.type(description="The result of answering a meeting.")
class AnswerMeetingPayload:
    reply: MeetingReply | None = strawberry.field(description="The answer as saved.")
    user_errors: list[UserError] = strawberry.field(description="Why nothing was saved.")


@strawberry.input(description="The minutes of a meeting that has started.")
class AddMeetingMinutesInput:
    meeting_id: relay.GlobalID = strawberry.field(
        description="ID of the meeting, once it has started."
    )
    minutes: str = strawberry.field(
        description="The minutes, plain text; they replace any given before."
    )


def _target(
    school: relay.GlobalID | None, school_class: relay.GlobalID | None
) -> tuple[DomainAudience, int | None, int | None]:
    if (school is None) == (school_class is None):
        raise InvalidInput("Give either a school or a class.", field="classId")
    if school_class is not None:
        return DomainAudience.CLASS, None, input_id(school_class, "SchoolClass", "classId")
    assert school is not None
    return DomainAudience.SCHOOL, input_id(school, "School", "schoolId"), None


@strawberry.type
class LifeMutations:
    @strawberry.mutation(description="Publish news to a school or a class, with files.")
    @refusals
    async def post_announcement(
        self, info: Info, input: PostAnnouncementInput
    ) -> AnnouncementPayload | None:
        rules = file_rules(info)
        ctx = await info.context.writer()
        audience, school, school_class = _target(input.school_id, input.class_id)
        item = await announcements.post(
            ctx,
            audience,
            announcements.Draft(
                input.kind, input.title, input.text, input.publish_at, input.expires_at
            ),
            await read_uploads(input.attachments, rules.max_bytes),
            rules,
            school_id=school,
            class_id=school_class,
            notify=input.notify_families,
            posts_per_hour=info.context.settings.posts_per_hour,
        )
        info.context.runtime.outbox_written()
        return AnnouncementPayload(announcement=Announcement.from_model(item), user_errors=[])

    @strawberry.mutation(description="Publish an entry of the viewer's blog (teachers).")
    @refusals
    async def post_blog_entry(
        self, info: Info, input: PostBlogEntryInput
    ) -> AnnouncementPayload | None:
        rules = file_rules(info)
        ctx = await info.context.writer()
        item = await announcements.post(
            ctx,
            DomainAudience.BLOG,
            announcements.Draft(
                input.kind, input.title, input.text, input.publish_at, input.expires_at
            ),
            await read_uploads(input.attachments, rules.max_bytes),
            rules,
            notify=input.notify_families,
            posts_per_hour=info.context.settings.posts_per_hour,
        )
        info.context.runtime.outbox_written()
        return AnnouncementPayload(announcement=Announcement.from_model(item), user_errors=[])

    @strawberry.mutation(description="Change the viewer's announcement or blog entry.")
    @refusals
    async def edit_announcement(
        self, info: Info, input: EditAnnouncementInput
    ) -> AnnouncementPayload | None:
        rules = file_rules(info)
        ctx = await info.context.writer()
        remove = [
            input_id(gid, "AnnouncementAttachment", "removeAttachments")
            for gid in input.remove_attachments
        ]
        item = await announcements.edit(
            ctx,
            input_id(input.announcement_id, "Announcement", "announcementId"),
            announcements.Draft(
                input.kind,
                input.title,
                input.text,
                input.publish_at,
                input.expires_at,
                input.clear_expiry,
            ),
            await read_uploads(input.add_attachments, rules.max_bytes),
            remove,
            rules,
        )
        # Notices of an item not yet published follow its new moment: wake the worker.
        info.context.runtime.outbox_written()
        return AnnouncementPayload(announcement=Announcement.from_model(item), user_errors=[])

    @strawberry.mutation(
        description="Withdraw an announcement or blog entry: nobody sees it any more. The "
        "author may; so may the administration for school and class news."
    )
    @refusals
    async def withdraw_announcement(
        self, info: Info, input: WithdrawAnnouncementInput
    ) -> AnnouncementPayload | None:
        ctx = await info.context.writer()
        item = await announcements.withdraw(
            ctx, input_id(input.announcement_id, "Announcement", "announcementId")
        )
        await item.fetch_related("attachments")
        return AnnouncementPayload(announcement=Announcement.from_model(item), user_errors=[])

    @strawberry.mutation(description="Schedule a parent-teacher meeting or a school meeting.")
    @refusals
    async def schedule_meeting(
        self, info: Info, input: ScheduleMeetingInput
    ) -> MeetingPayload | None:
        ctx = await info.context.writer()
        audience, school, school_class = _target(input.school_id, input.class_id)
        meeting = await meetings.schedule(
            ctx,
            audience,
            meetings.Plan(
                title=input.title,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                agenda=input.agenda,
                place=input.place,
                online_url=input.online_url,
            ),
            school_id=school,
            class_id=school_class,
            notify=input.notify_families,
            posts_per_hour=info.context.settings.posts_per_hour,
        )
        # The outbox may have new rows: wake the delivery worker.
        info.context.runtime.outbox_written()
        return MeetingPayload(meeting=Meeting.from_model(meeting), user_errors=[])

    @strawberry.mutation(description="A parent answers whether they will come, for one child.")
    @refusals
    async def answer_meeting(
        self, info: Info, input: AnswerMeetingInput
    ) -> AnswerMeetingPayload | None:
        ctx = await info.context.writer()
        reply = await meetings.reply(
            ctx,
            input_id(input.meeting_id, "Meeting", "meetingId"),
            input_id(input.student_id, "Student", "studentId"),
            DomainAnswer(input.answer),
        )
        return AnswerMeetingPayload(reply=MeetingReply.from_model(reply), user_errors=[])

    @strawberry.mutation(description="Add the minutes of a meeting once it has started.")
    @refusals
    async def add_meeting_minutes(
        self, info: Info, input: AddMeetingMinutesInput
    ) -> MeetingPayload | None:
        ctx = await info.context.writer()
        meeting = await meetings.add_minutes(
            ctx, input_id(input.meeting_id, "Meeting", "meetingId"), input.minutes
        )
        return MeetingPayload(meeting=Meeting.from_model(meeting), user_errors=[])

    @strawberry.mutation(
        description="Change the title, agenda, place or link of an upcoming meeting: the "
        "class teacher or the administration, as for scheduleMeeting. Answers stand."
    )
    @refusals
    async def edit_meeting(self, info: Info, input: EditMeetingInput) -> MeetingPayload | None:
        ctx = await info.context.writer()
        meeting = await meetings.edit(
            ctx,
            input_id(input.meeting_id, "Meeting", "meetingId"),
            meetings.Change(
                title=input.title,
                agenda=input.agenda,
                place=input.place,
                online_url=input.online_url,
            ),
            notify=input.notify_families,
        )
        info.context.runtime.outbox_written()
        return MeetingPayload(meeting=Meeting.from_model(meeting), user_errors=[])

    @strawberry.mutation(
        description="Move an upcoming meeting to another time; parents' answers are reset, "
        "so each is asked again. Who may: as for scheduleMeeting."
    )
    @refusals
    async def move_meeting(self, info: Info, input: MoveMeetingInput) -> MeetingPayload | None:
        ctx = await info.context.writer()
        meeting = await meetings.move(
            ctx,
            input_id(input.meeting_id, "Meeting", "meetingId"),
            input.starts_at,
            input.ends_at,
            notify=input.notify_families,
        )
        info.context.runtime.outbox_written()
        return MeetingPayload(meeting=Meeting.from_model(meeting), user_errors=[])

    @strawberry.mutation(
        description="Cancel an upcoming meeting with a reason; it stays listed as cancelled "
        "and takes no more answers. Who may: as for scheduleMeeting."
    )
    @refusals
    async def cancel_meeting(self, info: Info, input: CancelMeetingInput) -> MeetingPayload | None:
        ctx = await info.context.writer()
        meeting = await meetings.cancel(
            ctx,
            input_id(input.meeting_id, "Meeting", "meetingId"),
            input.reason,
            notify=input.notify_families,
        )
        info.context.runtime.outbox_written()
        return MeetingPayload(meeting=Meeting.from_model(meeting), user_errors=[])
