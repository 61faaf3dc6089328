"""Every route beside GraphQL answers an error as one JSON body, `{"code", "message"}`, with
the status that fits; and the links the API hands out are absolute, under EDIARY_PUBLIC_URL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette
from strawberry.relay import to_base64

from ediary.adapters.links import Links
from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session

STUDENT = to_base64("Student", 10**9)
TERM = to_base64("Term", 10**9)


def _error(answer: httpx.Response) -> str:
    assert answer.headers["content-type"].startswith("application/json"), answer.text
    body = answer.json()
    assert set(body) == {"code", "message"} and body["message"], body
    code: str = body["code"]
    return code


@pytest.fixture(scope="module")
def guarded_app(settings: Settings) -> Starlette:
    return create_app(replace(settings, metrics_token="m" * 32), manage_database=False)


async def test_refusals_of_every_file_route_share_one_shape(
    guarded_app: Starlette, world: object
) -> None:
    user, _ = await models.User.get_or_create(
        login="error.bodies", defaults={"last_name": "Error", "first_name": "Bodies"}
    )
    token = (await open_session(user, SessionKind.BEARER, timedelta(hours=1))).token
    bearer = {"Authorization": f"Bearer {token}"}
    logged_out = (
        f"/charts/progress/{STUDENT}.svg",
        f"/reports/class/{to_base64('SchoolClass', 10**9)}.csv",
        f"/reports/school/{to_base64('School', 10**9)}.xlsx",
        "/attachments/1",
        "/attachments/announcements/1",
    )
    transport = httpx.ASGITransport(app=guarded_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for path in logged_out:
            answer = await client.get(path)
            assert (answer.status_code, _error(answer)) == (401, "UNAUTHENTICATED"), path
            # Logged in, an unknown object and one that is not the viewer's look alike.
            hidden = await client.get(path, headers=bearer)
            assert (hidden.status_code, _error(hidden)) == (404, "NOT_FOUND"), path
        for path in ("/attachments/not-a-number", "/attachments/announcements/-1"):
            answer = await client.get(path, headers=bearer)
            assert (answer.status_code, _error(answer)) == (404, "NOT_FOUND"), path
        feed = await client.get("/calendar/no-such-secret.ics")
        assert (feed.status_code, _error(feed)) == (404, "NOT_FOUND")
        assert feed.headers["cache-control"] == "no-store"

        nowhere = await client.get("/no/such/page")
        assert (nowhere.status_code, _error(nowhere)) == (404, "NOT_FOUND")
        no_file = await client.get("/static/graphiql/no-such-file.js")
        assert (no_file.status_code, _error(no_file)) == (404, "NOT_FOUND")
        wrong_method = await client.post(f"/charts/progress/{STUDENT}.svg")
        assert (wrong_method.status_code, _error(wrong_method)) == (405, "METHOD_NOT_ALLOWED")
        assert "GET" in wrong_method.headers["allow"]
        metrics = await client.get("/metrics")
        assert (metrics.status_code, _error(metrics)) == (401, "UNAUTHENTICATED")


def test_links_are_absolute_under_the_public_url() -> None:
    links = Links("https://diary.example.org/school42/")
    assert links.homework_file(7) == "https://diary.example.org/school42/attachments/7"
    assert (
        links.announcement_file(7)
        == "https://diary.example.org/school42/attachments/announcements/7"
    )
    assert links.calendar_feed("s3cret") == "https://diary.example.org/school42/calendar/s3cret.ics"
    chart = links.progress_chart(5, 2)
    assert chart.startswith("https://diary.example.org/school42/charts/progress/")
    assert chart.endswith(".svg?term=VGVybToy")
    assert links.class_report(3, 2, "xlsx").startswith(
        "https://diary.example.org/school42/reports/class/"
    )
