"""Tests for ediary.domain.feeds: a calendar feed shows what its creator may see, no more."""

from __future__ import annotations

import secrets
from datetime import timedelta

from ediary.domain.feeds import digest, feed_content
from ediary.domain.models import CalendarFeed
from tests.conftest import TODAY
from tests.world import MONDAY, World


async def _content_dates(world: World, lookback: int | None) -> list[object]:
    secret = secrets.token_urlsafe(16)
    feed = await CalendarFeed.create(
        student_id=world.id("student"),
        created_by_id=world.users["parent"].id,
        secret_hash=digest(secret),
    )
    try:
        content = await feed_content(secret, TODAY, lambda region: lookback)
    finally:
        await feed.delete()
    assert content is not None
    return sorted({lesson.date for lesson in content.lessons})


async def test_a_parents_feed_keeps_to_the_regions_look_back_window(world: World) -> None:
    # The world's week has lessons from Monday; today is its Wednesday.
    everything = await _content_dates(world, None)
    assert everything[0] == MONDAY
    windowed = await _content_dates(world, 1)
    assert windowed and windowed[0] == TODAY - timedelta(days=1)
    assert set(windowed) == {day for day in everything if day >= TODAY - timedelta(days=1)}
