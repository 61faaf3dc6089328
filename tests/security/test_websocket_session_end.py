"""Finding 2: ending a session ends its WebSockets.

Real `ediary serve` processes and real graphql-transport-ws clients. After a logout, a
password change, a password reset or a deactivation, an open connection of that session is
closed within a second with 4401 (session ended) or 4403 (account deactivated) and a reason;
no further diary update reaches it; an operation sent over a connection whose session ended
unannounced does not run (no mark is written). On PostgreSQL, a logout handled by one process
closes a connection held by another."""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import httpx
import pytest
from strawberry.relay import to_base64
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from ediary.domain import auth, models, tokens
from ediary.domain.enums import Role
from ediary_dnevnik.recovery import RESET_LIFETIME, RESET_PASSWORD
from tests import builders
from tests.conftest import BACKEND, TODAY
from tests.servers import Server, next_payload
from tests.world import World

UPDATES = """
subscription($student: ID!) { diaryUpdates(studentId: $student) { kind mark { value } } }
"""
POST = """
mutation($input: PostMarkInput!) { postMark(input: $input) { mark { id } userErrors { code } } }
"""
LOGOUT = "mutation { logout { ok userErrors { code } } }"
CHANGE = """
mutation($input: ChangePasswordInput!) { changePassword(input: $input) { ok userErrors { code } } }
"""
RESET = """
mutation($input: ResetPasswordInput!) { resetPassword(input: $input) { ok userErrors { code } } }
"""
PASSWORD = "an old and long password"
# The sweep that finds unannounced endings, slowed down where a test shows another mechanism.
SLOW_SWEEP = {"EDIARY_WS_SESSION_CHECK_SECONDS": "600"}


@dataclass
class Family:
    """A school of its own: a teacher, a student in a class, a parent, one lesson."""

    teacher: models.User
    student: models.User
    parent: models.User
    lesson: models.Lesson

    def mark_input(self, value: int) -> dict[str, Any]:
        return {
            "input": {
                "lessonId": to_base64("Lesson", self.lesson.id),
                "studentId": to_base64("Student", self.student.id),
                "value": value,
                "kind": "CLASSWORK",
            }
        }

    @property
    def updates(self) -> dict[str, Any]:
        return {"student": to_base64("Student", self.student.id)}

    async def marks(self) -> int:
        return await models.Mark.filter(student_id=self.student.id).count()


async def _family(world: World) -> Family:
    key = f"ws{uuid4().hex[:6]}"
    terms = [(date(2026, 9, 1), date(2026, 10, 24)), (date(2026, 11, 3), date(2026, 12, 28))]
    built = await builders.school(key, "R-WS", terms)
    made = await builders.school_class(built, "6W")
    student = await builders.student(None, built, made, f"{key}-student", "Student", "Sam")
    parent = await builders.person(
        None, f"{key}-parent", "Parent", "Pat", (Role.PARENT, built.school, None)
    )
    await models.Guardianship.create(parent=parent, student=student)
    for user in (built.teacher, parent):
        assert user is not None
        user.password_hash = auth.hash_password(PASSWORD)
        await user.save(update_fields=["password_hash"])
    lesson = await builders.lesson(built, made, "Mathematics", TODAY - timedelta(days=2))
    assert built.teacher is not None
    return Family(built.teacher, student, parent, lesson)


async def _token(user: models.User) -> str:
    return (await auth.open_session(user, auth.SessionKind.BEARER, timedelta(days=1))).token


def _env(database: str, **extra: str) -> dict[str, str]:
    return {"EDIARY_DATABASE_URL": database, "EDIARY_TODAY": TODAY.isoformat(), **extra}


async def _http(server: Server, query: str, variables: dict[str, Any], token: str = "") -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{server.url}/graphql",
            json={"query": query, "variables": variables},
            headers=headers,
        )
    assert response.status_code == 200, response.text
    return response.json()["data"]


@asynccontextmanager
async def _connected(server: Server, token: str) -> AsyncIterator[ClientConnection]:
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"authorization": f"Bearer {token}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        yield ws


async def _subscribe(ws: ClientConnection, op: str, query: str, variables: Any) -> None:
    message = {"id": op, "type": "subscribe", "payload": {"query": query, "variables": variables}}
    await ws.send(json.dumps(message))


async def _closed(ws: ClientConnection, within: float) -> tuple[int, str, list[Any]]:
    """Wait for the server to close: the close code, its reason, and what came before."""
    received: list[Any] = []
    deadline = time.monotonic() + within
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"still open after {within} s; received {received}")
            received.append(json.loads(await asyncio.wait_for(ws.recv(), left)))
    except TimeoutError:
        raise AssertionError(f"still open after {within} s; received {received}") from None
    except ConnectionClosed as closed:
        assert closed.rcvd is not None, "closed without a close frame"
        return closed.rcvd.code, closed.rcvd.reason, received


async def test_logout_closes_the_connection_and_no_update_follows(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await _family(world)
    parent, teacher = await _token(family.parent), await _token(family.teacher)
    async with (
        Server(_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        _connected(server, parent) as ws,
    ):
        await _subscribe(ws, "1", UPDATES, family.updates)
        await asyncio.sleep(0.5)
        posted = await _http(server, POST, family.mark_input(4), teacher)
        assert posted["postMark"]["userErrors"] == []
        assert (await next_payload(ws))["diaryUpdates"]["kind"] == "MARK_POSTED"

        assert (await _http(server, LOGOUT, {}, parent))["logout"]["ok"] is True
        started = time.monotonic()
        await _http(server, POST, family.mark_input(5), teacher)
        code, reason, received = await _closed(ws, within=1.0)
        assert time.monotonic() - started < 1.0
        assert (code, reason) == (4401, "Session ended: logged out.")
        # The mark posted after the logout never reached the logged-out parent.
        assert received == []


async def test_password_change_closes_the_other_sessions_connections(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await _family(world)
    other, kept = await _token(family.parent), await _token(family.parent)
    async with (
        Server(_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        _connected(server, other) as ws,
        _connected(server, kept) as still,
    ):
        await _subscribe(ws, "1", UPDATES, family.updates)
        change = {"input": {"currentPassword": PASSWORD, "newPassword": "a brand new passphrase"}}
        changed = await _http(server, CHANGE, change, kept)
        assert changed["changePassword"] == {"ok": True, "userErrors": []}
        code, reason, received = await _closed(ws, within=1.0)
        assert (code, reason, received) == (4401, "Session ended: the password was changed.", [])
        # The session that changed the password goes on, over its WebSocket too.
        await _subscribe(still, "q", "query { viewer { fullName } }", {})
        assert (await next_payload(still))["viewer"]["fullName"]


async def test_password_reset_closes_every_connection_of_the_account(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await _family(world)
    parent = await _token(family.parent)
    secret, _ = await tokens.issue(RESET_PASSWORD, RESET_LIFETIME, user_id=family.parent.id)
    async with (
        Server(_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        _connected(server, parent) as ws,
    ):
        await _subscribe(ws, "1", UPDATES, family.updates)
        reset = {"input": {"token": secret, "newPassword": "a brand new passphrase"}}
        assert (await _http(server, RESET, reset))["resetPassword"]["ok"] is True
        code, reason, received = await _closed(ws, within=1.0)
        assert (code, reason, received) == (4401, "Session ended: the password was reset.", [])


async def test_deactivation_closes_the_connection_with_4403(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await _family(world)
    parent, teacher = await _token(family.parent), await _token(family.teacher)
    async with (
        Server(_env(database), tmp_path / "server.log") as server,
        _connected(server, parent) as ws,
    ):
        await _subscribe(ws, "1", UPDATES, family.updates)
        await asyncio.sleep(0.5)
        # Written to the database directly, as `ediary import` in another program does:
        # no broker message announces it; the server's own re-check finds it.
        await models.User.filter(id=family.parent.id).update(is_active=False)
        started = time.monotonic()
        await _http(server, POST, family.mark_input(3), teacher)
        code, reason, received = await _closed(ws, within=1.5)
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
    family = await _family(world)
    teacher = await _token(family.teacher)
    async with (
        Server(_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        _connected(server, teacher) as ws,
    ):
        before = await family.marks()
        # Revoked in the database with no broker message and the sweep far away: only the
        # check each operation makes can stop it.
        digest = hashlib.sha256(teacher.encode()).hexdigest()
        await models.Session.filter(token_hash=digest).update(revoked_at=datetime.now(UTC))
        await _subscribe(ws, "1", operation, variables_of(family))
        code, reason, received = await _closed(ws, within=5.0)
        assert (code, reason, received) == (4401, "Session ended.", [])
        assert await family.marks() == before


@pytest.mark.skipif(BACKEND != "postgres", reason="several processes share one PostgreSQL")
async def test_a_logout_through_one_process_closes_a_connection_held_by_another(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await _family(world)
    parent = await _token(family.parent)
    env = _env(database, **SLOW_SWEEP)
    async with (
        Server(env, tmp_path / "a.log") as first,
        Server(env, tmp_path / "b.log") as second,
        _connected(second, parent) as ws,
    ):
        await _subscribe(ws, "1", UPDATES, family.updates)
        await asyncio.sleep(0.5)
        assert (await _http(first, LOGOUT, {}, parent))["logout"]["ok"] is True
        started = time.monotonic()
        code, reason, _ = await _closed(ws, within=1.0)
        assert time.monotonic() - started < 1.0
        assert (code, reason) == (4401, "Session ended: logged out.")
