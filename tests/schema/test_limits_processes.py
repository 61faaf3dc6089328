"""The budget held in the database across two server processes, and the document limits on
subscriptions over WebSocket, with real `ediary serve` processes."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from strawberry.relay import to_base64
from websockets.asyncio.client import connect

from ediary.domain import models
from ediary.domain.auth import SessionKind, open_session
from tests.conftest import TODAY
from tests.servers import Server
from tests.world import World


async def _token(login: str) -> str:
    user = await models.User.create(login=login, last_name="Limits", first_name="Process")
    return (await open_session(user, SessionKind.BEARER, timedelta(hours=1))).token


async def _ask(server: Server, token: str, query: str) -> dict[str, Any]:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{server.url}/graphql",
            json={"query": query},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


async def _subscribe(
    server: Server, token: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    """The first message the server sends back for a subscription."""
    ws_url = server.url.replace("http://", "ws://") + "/graphql"
    async with connect(ws_url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"authorization": f"Bearer {token}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        subscribe = {"query": query, "variables": variables}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
        return message


async def test_two_processes_share_one_budget_and_subscriptions_meet_the_limits(
    database: str, world: World, tmp_path: Path
) -> None:
    env = {
        "EDIARY_DATABASE_URL": database,
        "EDIARY_TODAY": TODAY.isoformat(),
        "EDIARY_RATE_POINTS_PER_HOUR": "4",
        "EDIARY_MAX_QUERY_DEPTH": "3",
    }
    spender = await _token("limits_two_processes")
    async with (
        Server(env, tmp_path / "a.log") as first,
        Server(env, tmp_path / "b.log") as second,
    ):
        answers = [
            await _ask(server, spender, "{ rateLimit { remaining } }")
            for server in (first, second, first, second)
        ]
        assert [a["data"]["rateLimit"]["remaining"] for a in answers] == [3, 2, 1, 0]
        refused = await _ask(first, spender, "{ viewer { login } }")
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        also = await _ask(second, spender, "{ viewer { login } }")
        assert also["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        updates = "subscription($id: ID!) { diaryUpdates(studentId: $id) { kind } }"
        student = {"id": to_base64("Student", world.id("student"))}
        spent = await _subscribe(first, spender, updates, student)
        assert spent["type"] in {"next", "error"}, spent
        errors = spent["payload"]["errors"] if spent["type"] == "next" else spent["payload"]
        assert [e["extensions"]["code"] for e in errors] == ["RATE_LIMITED"]

        deep = (
            "subscription($id: ID!) { diaryUpdates(studentId: $id) { mark { subject { name } } } }"
        )
        message = await _subscribe(second, world.tokens["parent"], deep, student)
        assert message["type"] == "error", message
        assert [e["extensions"]["code"] for e in message["payload"]] == ["QUERY_TOO_DEEP"]
