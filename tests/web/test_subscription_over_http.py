"""A subscription sent over HTTP, by POST or GET, logged in or out, is refused before it
runs with 400 SUBSCRIPTION_NEEDS_WEBSOCKET, and nothing is logged as a fault."""

from __future__ import annotations

import logging
from datetime import timedelta

import httpx
import pytest
from starlette.applications import Starlette
from strawberry.relay import to_base64

from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session
from ediary.web.graphql_http import GRAPHQL_RESPONSE_JSON

SUBSCRIBE = "subscription($s: ID!) { diaryUpdates(studentId: $s) { kind } }"


@pytest.mark.parametrize("accept", [GRAPHQL_RESPONSE_JSON, "application/json"])
async def test_a_subscription_over_http_is_told_to_use_a_websocket(
    app: Starlette, world: object, accept: str, caplog: pytest.LogCaptureFixture
) -> None:
    user, _ = await models.User.get_or_create(
        login="http.subscriber", defaults={"last_name": "Http", "first_name": "Sub"}
    )
    token = (await open_session(user, SessionKind.BEARER, timedelta(hours=1))).token
    variables = {"s": to_base64("Student", user.id)}
    transport = httpx.ASGITransport(app=app)
    caplog.set_level(logging.WARNING)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for headers in ({}, {"Authorization": f"Bearer {token}"}):
            sent = {**headers, "Accept": accept}
            by_post = await client.post(
                "/graphql", json={"query": SUBSCRIBE, "variables": variables}, headers=sent
            )
            by_get = await client.get(
                "/graphql",
                params={"query": SUBSCRIBE, "variables": f'{{"s": "{variables["s"]}"}}'},
                headers=sent,
            )
            for answer in (by_post, by_get):
                assert answer.status_code == 400, answer.text
                body = answer.json()
                assert "data" not in body
                assert [e["extensions"]["code"] for e in body["errors"]] == [
                    "SUBSCRIPTION_NEEDS_WEBSOCKET"
                ]
                assert "WebSocket" in body["errors"][0]["message"]
    faults = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert faults == []
