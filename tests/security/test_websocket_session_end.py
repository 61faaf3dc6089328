"""Finding 2: ending a session ends its WebSockets.

Real `ediary serve` processes and real graphql-transport-ws clients. After a logout, a
password change, a password reset or a deactivation, an open connection of that session is
closed within a second with 4401 (session ended) or 4403 (account deactivated) and a reason;
no further diary update reaches it; an operation sent over a connection whose session ended
unannounced does not run (no mark is written). On PostgreSQL, a logout handled by one process
closes a connection held by another."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ediary.domain import models, tokens
from ediary_dnevnik.recovery import RESET_LIFETIME, RESET_PASSWORD
from tests.conftest import BACKEND
from tests.security.live import (
    PASSWORD,
    POST,
    SLOW_SWEEP,
    UPDATES,
    connected,
    family_school,
    post_graphql,
    server_env,
    subscribe,
    token_for,
)
from tests.servers import Server, closed_by_server, listening, next_payload
from tests.world import World

LOGOUT = "mutation { logout { ok userErrors { code } } }"
CHANGE = """
mutation($input: ChangePasswordInput!) { changePassword(input: $input) { ok userErrors { code } } }
"""
RESET = """
mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { ok userErrors { code } } }
"""


async def test_logout_closes_the_connection_and_no_update_follows(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await family_school(world)
    parent, teacher = await token_for(family.parent), await token_for(family.teacher)
    async with (
        Server(server_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        connected(server, parent) as ws,
    ):
        await subscribe(ws, "1", UPDATES, family.updates)
        await listening(server.url, at_least=1)
        posted = await post_graphql(server, POST, family.mark_input(4), teacher)
        assert posted["postMark"]["userErrors"] == []
        assert (await next_payload(ws))["diaryUpdates"]["kind"] == "MARK_POSTED"

        assert (await post_graphql(server, LOGOUT, {}, parent))["logout"]["ok"] is True
        started = time.monotonic()
        await post_graphql(server, POST, family.mark_input(5), teacher)
        code, reason, received = await closed_by_server(ws, within=1.0)
        assert time.monotonic() - started < 1.0
        assert (code, reason) == (4401, "Session ended: logged out.")
        # The mark posted after the logout never reached the logged-out parent.
        assert received == []


async def test_password_change_closes_the_other_sessions_connections(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await family_school(world)
    other, kept = await token_for(family.parent), await token_for(family.parent)
    async with (
        Server(server_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        connected(server, other) as ws,
        connected(server, kept) as still,
    ):
        await subscribe(ws, "1", UPDATES, family.updates)
        change = {"input": {"currentPassword": PASSWORD, "newPassword": "a brand new passphrase"}}
        changed = await post_graphql(server, CHANGE, change, kept)
        assert changed["changePassword"] == {"ok": True, "userErrors": []}
        code, reason, received = await closed_by_server(ws, within=1.0)
        assert (code, reason, received) == (4401, "Session ended: the password was changed.", [])
        # The session that changed the password goes on, over its WebSocket too.
        await subscribe(still, "q", "query { viewer { fullName } }", {})
        assert (await next_payload(still))["viewer"]["fullName"]


async def test_password_reset_closes_every_connection_of_the_account(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await family_school(world)
    parent = await token_for(family.parent)
    secret, _ = await tokens.issue(RESET_PASSWORD, RESET_LIFETIME, user_id=family.parent.id)
    async with (
        Server(server_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        connected(server, parent) as ws,
    ):
        await subscribe(ws, "1", UPDATES, family.updates)
        reset = {"input": {"token": secret, "newPassword": "a brand new passphrase"}}
        assert (await post_graphql(server, RESET, reset))["resetPassword"]["ok"] is True
        code, reason, received = await closed_by_server(ws, within=1.0)
        assert (code, reason, received) == (4401, "Session ended: the password was reset.", [])


async def test_deactivation_closes_the_connection_with_4403(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await family_school(world)
    parent, teacher = await token_for(family.parent), await token_for(family.teacher)
    async with (
        Server(server_env(database), tmp_path / "server.log") as server,
        connected(server, parent) as ws,
    ):
        await subscribe(ws, "1", UPDATES, family.updates)
        await listening(server.url, at_least=1)
        # Written to the database directly, as `ediary import` in another program does:
        # no broker message announces it; the server's own re-check finds it.
        await models.User.filter(id=family.parent.id).update(is_active=False)
        started = time.monotonic()
        await post_graphql(server, POST, family.mark_input(3), teacher)
        code, reason, received = await closed_by_server(ws, within=1.5)
        assert time.monotonic() - started < 1.0
        assert (code, reason) == (4403, "Account deactivated.")
        assert [m for m in received if m.get("type") == "next"] == []


@pytest.mark.parametrize(
    ("operation", "variables_of"),
    [
        (POST, lambda family: family.mark_input(2)),
        ("query { viewer { fullName } }", lambda family: {}),
    ],
    ids=["postMark", "query"],
)
async def test_an_operation_after_an_unannounced_ending_does_not_run(
    world: World, database: str, tmp_path: Path, operation: str, variables_of: Any
) -> None:
    family = await family_school(world)
    teacher = await token_for(family.teacher)
    async with (
        Server(server_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        connected(server, teacher) as ws,
    ):
        before = await family.marks()
        # Revoked in the database with no broker message and the sweep far away: only the
        # check each operation makes can stop it.
        digest = hashlib.sha256(teacher.encode()).hexdigest()
        await models.Session.filter(token_hash=digest).update(revoked_at=datetime.now(UTC))
        await subscribe(ws, "1", operation, variables_of(family))
        code, reason, received = await closed_by_server(ws, within=5.0)
        assert (code, reason, received) == (4401, "Session ended.", [])
        assert await family.marks() == before


@pytest.mark.skipif(BACKEND != "postgres", reason="several processes share one PostgreSQL")
async def test_a_logout_through_one_process_closes_a_connection_held_by_another(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await family_school(world)
    parent = await token_for(family.parent)
    env = server_env(database, **SLOW_SWEEP)
    async with (
        Server(env, tmp_path / "a.log") as first,
        Server(env, tmp_path / "b.log") as second,
        connected(second, parent) as ws,
    ):
        await subscribe(ws, "1", UPDATES, family.updates)
        await listening(second.url, at_least=1)
        assert (await post_graphql(first, LOGOUT, {}, parent))["logout"]["ok"] is True
        started = time.monotonic()
        code, reason, _ = await closed_by_server(ws, within=1.0)
        assert time.monotonic() - started < 1.0
        assert (code, reason) == (4401, "Session ended: logged out.")
