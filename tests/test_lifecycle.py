"""Deactivating an account: every session of it ends at once, its open WebSocket closes with
4403 as soon as the facts are published, and it cannot log in again. Served by a real
uvicorn in this process, so the test publishes through the server's own broker, as a
mutation does after its commit."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from websockets.exceptions import ConnectionClosed

from ediary.adapters.lifecycle import Lifecycle
from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import lifecycle, models
from tests.security.live import PASSWORD, UPDATES, connected, family_school, subscribe, token_for
from tests.servers import free_port, listening
from tests.waiting import eventually
from tests.world import World

LOGIN = """mutation($login: String!, $password: String!) {
    login(input: {login: $login, password: $password, client: APP}) {
        accessToken userErrors { code } } }"""


@dataclasses.dataclass
class Served:
    url: str
    app: Starlette


@contextlib.asynccontextmanager
async def served(settings: Settings) -> AsyncIterator[Served]:
    # The periodic re-check is pushed far away: only the published facts can close a socket.
    slow = dataclasses.replace(settings, ws_session_check_seconds=600)
    app = create_app(slow, manage_database=False)
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    await eventually(lambda: server.started or task.done(), what="the server to start")
    assert not task.done(), "the server stopped while starting"
    try:
        yield Served(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        await task


async def _ask(url: str, query: str, variables: dict[str, Any], token: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.post(
            f"{url}/graphql", json={"query": query, "variables": variables}, headers=headers
        )
    return response.json()


async def test_deactivation_ends_sessions_closes_sockets_and_refuses_login(
    world: World, settings: Settings
) -> None:
    family = await family_school(world)
    socket_token, http_token = await token_for(family.parent), await token_for(family.parent)
    async with served(settings) as server, connected(server, socket_token) as ws:  # type: ignore[arg-type]
        await subscribe(ws, "1", UPDATES, family.updates)
        await listening(server.url, at_least=1)
        app = server.app
        ended = await Lifecycle(app.state.plugins, settings).deactivate_account(family.parent.id)
        assert ended and {i for fact in ended for i in fact.session_ids} == set(
            await models.Session.filter(user_id=family.parent.id).values_list("id", flat=True)
        )
        await app.state.runtime.broker.publish(ended)
        with pytest.raises(ConnectionClosed) as closed:
            while True:
                message = json.loads(await asyncio.wait_for(ws.recv(), 2))
                assert message.get("type") != "next", message
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "Account deactivated.")

        viewer = await _ask(server.url, "{ viewer { fullName } }", {}, http_token)
        assert viewer["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"
        login = {"login": family.parent.login, "password": PASSWORD}
        refused = (await _ask(server.url, LOGIN, login))["data"]["login"]
        assert refused["accessToken"] is None and refused["userErrors"]


async def test_deactivating_twice_changes_nothing_the_second_time(world: World) -> None:
    family = await family_school(world)
    await token_for(family.teacher)
    assert await lifecycle.deactivate_account(family.teacher.id)
    assert await lifecycle.deactivate_account(family.teacher.id) == ()
    assert not (await models.User.get(id=family.teacher.id)).is_active
