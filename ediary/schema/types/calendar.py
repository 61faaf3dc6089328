"""The calendar feed type."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Self

import strawberry
from strawberry import relay

from ediary.domain import feeds, models
from ediary.schema.ids import resolve_each
from ediary.schema.info import Info
from ediary.schema.types.people import Student


@strawberry.type(
    description="A private iCalendar feed of a student's lessons and homework. Its address "
    "holds a secret that is shown only when the feed is created."
)
class CalendarFeed(relay.Node):
    id: relay.NodeID[int]
    created_at: datetime.datetime = strawberry.field(description="When the feed was created.")
    revoked_at: datetime.datetime | None = strawberry.field(
        description="When the feed was revoked; its address answers nothing since."
    )
    _model: strawberry.Private[models.CalendarFeed]

    @classmethod
    def from_model(cls, feed: models.CalendarFeed) -> Self:
        return cls(id=feed.id, created_at=feed.created_at, revoked_at=feed.revoked_at, _model=feed)

    @strawberry.field(description="The student whose lessons and homework the feed shows.")
    async def student(self, info: Info) -> Student | None:
        user = await info.context.loaders.user.load(self._model.student_id)
        assert user is not None
        return Student.from_model(user)

    @strawberry.field(description="Whether the viewer created this feed.")
    async def created_by_viewer(self, info: Info) -> bool:
        viewer = await info.context.viewer()
        return viewer.user_id == self._model.created_by_id

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(feed_id: int) -> models.CalendarFeed:
            return await feeds.visible_feed(viewer, feed_id)

        return await resolve_each(node_ids, required, visible, cls.from_model)
