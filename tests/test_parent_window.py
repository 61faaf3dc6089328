"""The region policy's parent_lookback_days, applied once by the core access policy: a
parent sees a child's dated records from today minus N days, through GraphQL (over HTTP and
WebSocket alike, one Context.viewer) and the calendar feed; the child and staff see all."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Any

import httpx
from icalendar import Calendar
from starlette.applications import Starlette
from strawberry import relay

from ediary.adapters import hookimpl
from ediary.app import create_app
from ediary.config import Settings
from ediary.domain.access import Placement, Viewer, student_grant
from ediary.domain.enums import Role
from ediary.domain.feeds import digest
from ediary.domain.grading import RegionPolicy
from ediary.domain.models import CalendarFeed
from tests.conftest import TODAY
from tests.world import MONDAY, WEEK, World


def _lookback_probe(days: int) -> object:
    class Probe:
        @hookimpl
        def region_policy(self, region_code: str) -> RegionPolicy | None:
            return (
                RegionPolicy(code="r1", parent_lookback_days=days) if region_code == "r1" else None
            )

    return Probe()


async def _ask(app: Starlette, token: str, query: str, variables: dict[str, Any]) -> Any:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


MARKS = "query($id: ID!) { marks(studentId: $id, first: 50) { totalCount } }"
DIARY = """query($id: ID!, $week: Week!) { diary(studentId: $id, week: $week) {
    days { lessons { marks { value } } } } }"""


def test_grant_window_for_parents_only() -> None:
    today = date(2026, 11, 29)
    placed = [Placement(1, 1, 1, "r1", date(2026, 9, 1), None)]
    lookback = {"r1": 30}.get
    parent = Viewer(
        user_id=5, roles=frozenset({Role.PARENT}), children=frozenset({7}), parent_lookback=lookback
    )
    grant = student_grant(parent, 7, placed, today=today)
    assert grant is not None and grant.visible_from == today - timedelta(days=30)
    assert not grant.shows(today - timedelta(days=31)) and grant.shows(today - timedelta(days=30))
    # The child, and the school's staff who are parents too, keep the whole history.
    child = Viewer(user_id=7, roles=frozenset({Role.STUDENT}), parent_lookback=lookback)
    assert student_grant(child, 7, placed, today=today).visible_from is None  # type: ignore[union-attr]
    admin_parent = Viewer(
        user_id=5,
        roles=frozenset({Role.PARENT}),
        children=frozenset({7}),
        admin_schools=frozenset({1}),
        parent_lookback=lookback,
    )
    assert student_grant(admin_parent, 7, placed, today=today).visible_from is None  # type: ignore[union-attr]
    # Another region without a limit: no window.
    elsewhere = [Placement(1, 1, 1, "r2", date(2026, 9, 1), None)]
    assert student_grant(parent, 7, elsewhere, today=today).visible_from is None  # type: ignore[union-attr]


async def test_region_window_applies_to_marks_and_diary(settings: Settings, world: World) -> None:
    student = str(relay.GlobalID("Student", str(world.id("student"))))
    variables = {"id": student, "week": str(WEEK)}
    # The week's marks are older than today: a window of 0 days hides them from the parent.
    closed = create_app(settings, manage_database=False, extra_plugins=[_lookback_probe(0)])
    if (date.today() - WEEK.monday).days <= 0:
        return  # the world's week is today: nothing older to hide
    parent = world.tokens["parent"]
    assert (await _ask(closed, parent, MARKS, variables))["marks"]["totalCount"] == 0
    days = (await _ask(closed, parent, DIARY, variables))["diary"]["days"]
    assert all(not lesson["marks"] for day in days for lesson in day["lessons"])
    # The student still sees every mark of their own.
    own = (await _ask(closed, world.tokens["student"], MARKS, variables))["marks"]["totalCount"]
    assert own >= 3
    # A window reaching back past the week shows them again.
    open_ = create_app(settings, manage_database=False, extra_plugins=[_lookback_probe(100_000)])
    assert (await _ask(open_, parent, MARKS, variables))["marks"]["totalCount"] == own


async def test_region_window_applies_to_a_parents_calendar_feed(
    settings: Settings, world: World
) -> None:
    """The feed's route builds its viewer (the feed's creator) with the region's window too."""
    secret = secrets.token_urlsafe(16)
    feed = await CalendarFeed.create(
        student_id=world.id("student"),
        created_by_id=world.users["parent"].id,
        secret_hash=digest(secret),
    )

    async def event_days(app: Starlette) -> set[date]:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        ) as client:
            response = await client.get(f"/calendar/{secret}.ics")
        assert response.status_code == 200, response.text
        events = Calendar.from_ical(response.content).walk("VEVENT")
        starts = [event.decoded("dtstart") for event in events]
        return {start.date() if isinstance(start, datetime) else start for start in starts}

    try:
        # The world's week has lessons from Monday; today (settings.today) is its Wednesday.
        whole = await event_days(create_app(settings, manage_database=False))
        assert MONDAY in whole
        windowed = create_app(settings, manage_database=False, extra_plugins=[_lookback_probe(1)])
        shown = await event_days(windowed)
        assert shown == {day for day in whole if day >= TODAY - timedelta(days=1)} != whole
    finally:
        await feed.delete()
