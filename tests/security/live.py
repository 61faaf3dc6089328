"""Live-update test parts: a school of its own with a family and a teacher, a real
`ediary serve` to talk to over HTTP and graphql-transport-ws."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

import httpx
from strawberry.relay import to_base64
from websockets.asyncio.client import ClientConnection, connect

from ediary.domain import auth, models
from ediary.domain.enums import Role
from tests import builders
from tests.conftest import TODAY
from tests.servers import Server
from tests.world import World

UPDATES = """
subscription($student: ID!) { diaryUpdates(studentId: $student) { kind mark { value } } }
"""
POST = """
mutation($input: PostMarkInput!) { postMark(input: $input) { mark { id } userErrors { code } } }
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


async def family_school(world: World) -> Family:
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


async def token_for(user: models.User) -> str:
    return (await auth.open_session(user, auth.SessionKind.BEARER, timedelta(days=1))).token


def server_env(database: str, **extra: str) -> dict[str, str]:
    return {"EDIARY_DATABASE_URL": database, "EDIARY_TODAY": TODAY.isoformat(), **extra}


async def post_graphql(
    server: Server, query: str, variables: dict[str, Any], token: str = ""
) -> Any:
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
async def connected(server: Server, token: str) -> AsyncIterator[ClientConnection]:
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        init = {"authorization": f"Bearer {token}"}
        await ws.send(json.dumps({"type": "connection_init", "payload": init}))
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        yield ws


async def subscribe(ws: ClientConnection, op: str, query: str, variables: Any) -> None:
    message = {"id": op, "type": "subscribe", "payload": {"query": query, "variables": variables}}
    await ws.send(json.dumps(message))


async def received_until_quiet(ws: Any, within: float) -> list[dict[str, Any]]:
    """Every message until `within` seconds pass quietly or the subscription completes."""
    found = []
    try:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), within))
            found.append(message)
            if message["type"] == "complete":
                return found
    except TimeoutError:
        return found
