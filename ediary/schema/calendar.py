"""Mutations of calendar feeds, mixed into the root Mutation type."""

from __future__ import annotations

import strawberry
from strawberry import relay

from ediary.domain import feeds
from ediary.schema.errors import UserError, refusals
from ediary.schema.ids import local_id
from ediary.schema.info import Info
from ediary.schema.types.calendar import CalendarFeed


@strawberry.input(description="The student to create a calendar feed for.")
class CreateCalendarFeedInput:
    student_id: relay.GlobalID = strawberry.field(
        description="The student whose lessons and homework the feed shows."
    )


@strawberry.type(description="The result of creating a calendar feed.")
class CreateCalendarFeedPayload:
    feed: CalendarFeed | None = strawberry.field(description="The new feed.")
    url: str | None = strawberry.field(
        description="The secret address of the feed, to add to a calendar app. Shown only "
        "now: only a hash is kept, so a lost address is revoked and a new feed created."
    )
    user_errors: list[UserError] = strawberry.field(description="Why no feed was created.")


@strawberry.input(description="The calendar feed to revoke.")
class RevokeCalendarFeedInput:
    feed_id: relay.GlobalID = strawberry.field(
        description="ID of one of the viewer's calendar feeds; its secret address stops answering "
        "at once."
    )


@strawberry.type(description="The result of revoking a calendar feed.")
class RevokeCalendarFeedPayload:
    feed: CalendarFeed | None = strawberry.field(
        description="The feed, now revoked; revoking it again changes nothing."
    )
    user_errors: list[UserError] = strawberry.field(description="Why it was not revoked.")


@strawberry.type
class CalendarMutation:
    @strawberry.mutation(
        description="Create a private calendar feed of a student the viewer follows. It shows "
        "what the viewer may see of the student, as of each time it is fetched."
    )
    @refusals(missing="studentId")
    async def create_calendar_feed(
        self, info: Info, input: CreateCalendarFeedInput
    ) -> CreateCalendarFeedPayload | None:
        viewer = await info.context.require_writer()
        student = local_id(input.student_id, "Student")
        created = await feeds.create_feed(viewer, student)
        return CreateCalendarFeedPayload(
            feed=CalendarFeed.from_model(created.feed),
            url=info.context.links.calendar_feed(created.secret),
            user_errors=[],
        )

    @strawberry.mutation(description="Revoke a calendar feed: its address stops answering.")
    @refusals(missing="feedId")
    async def revoke_calendar_feed(
        self, info: Info, input: RevokeCalendarFeedInput
    ) -> RevokeCalendarFeedPayload | None:
        viewer = await info.context.require_writer()
        feed = await feeds.revoke_feed(viewer, local_id(input.feed_id, "CalendarFeed"))
        return RevokeCalendarFeedPayload(feed=CalendarFeed.from_model(feed), user_errors=[])
