"""Live updates of a class's journal (`classJournalUpdates`): over a real `ediary serve` process
and real WebSockets, the journal's readers (the teacher of the class and subject, the school's
administration) get each mark, correction and lesson change of that class and subject, and
nobody else gets anything: not a family, not the class's teacher of another subject, not
another school's administration, not an anonymous client; a logout ends it at once."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.conftest import TODAY
from tests.journal.conftest import Class8
from tests.security.live import token_for
from tests.servers import Server, closed_by_server, next_payload, nothing_more, subscription

UPDATES = """
subscription($class: ID!, $subject: ID!) {
  classJournalUpdates(classId: $class, subjectId: $subject) {
    kind
    markId
    mark { value history { action oldValue newValue reason } }
    student { fullName }
    lesson { id topic }
    attendance { kind }
  }
}
"""
POST = """
mutation($input: PostMarkInput!) {
  postMark(input: $input) { mark { id } userErrors { field code } }
}
"""
CORRECT = """
mutation($input: CorrectMarkInput!) {
  correctMark(input: $input) { mark { id } userErrors { field code } }
}
"""
LOGOUT = "mutation { logout { ok userErrors { code } } }"
TOPIC = """
mutation($input: SetLessonTopicInput!) {
  setLessonTopic(input: $input) { lesson { id } userErrors { field code } }
}
"""


async def _refused(server: Server, token: str | None, variables: dict[str, str]) -> str:
    """How a subscription to the journal is refused for `token` (None: no credentials)."""
    url = server.url.replace("http://", "ws://") + "/graphql"
    async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
        payload = {"authorization": f"Bearer {token}"} if token else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        if token is None:
            with pytest.raises(Exception, match="4403"):
                await asyncio.wait_for(ws.recv(), 10)
            return "4403"
        ack = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert ack["type"] == "connection_ack", ack
        subscribe = {"query": UPDATES, "variables": variables}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert message["payload"]["data"] is None
        code: str = message["payload"]["errors"][0]["extensions"]["code"]
        return code


async def test_a_class_journal_follows_its_marks_and_lessons_for_its_readers_only(
    database: str, class8: Class8, tmp_path: Path
) -> None:
    env = {"EDIARY_DATABASE_URL": database, "EDIARY_TODAY": TODAY.isoformat()}
    physics = {
        "class": class8.gid("SchoolClass", "class8"),
        "subject": class8.gid("Subject", "physics"),
    }
    maths = {"class": physics["class"], "subject": class8.gid("Subject", "math")}
    vera = class8.gid("Student", "s8_vera")
    lesson = class8.gid("Lesson", "phys3")
    async with Server(env, tmp_path / "server.log") as server:
        # A family, the class's teacher of another subject, another school's administration
        # and anonymous clients are refused, alike.
        for who in ("p8_anna", "math_teacher", "other_admin"):
            assert await _refused(server, class8.token(who), physics) == "NOT_FOUND", who
        assert await _refused(server, None, physics) == "4403"
        async with (
            subscription(server, class8.token("russian_teacher"), UPDATES, physics) as teacher,
            subscription(server, class8.token("admin"), UPDATES, physics) as admin,
            subscription(server, class8.token("math_teacher"), UPDATES, maths) as other_subject,
        ):
            posted = await server.gql(
                POST,
                {"input": {"studentId": vera, "lessonId": lesson, "value": 3}},
                class8.token("russian_teacher"),
            )
            assert posted["postMark"]["userErrors"] == [], posted
            mark = posted["postMark"]["mark"]["id"]
            update = (await next_payload(teacher))["classJournalUpdates"]
            assert update == {
                "kind": "MARK_POSTED",
                "markId": mark,
                "mark": {
                    "value": 3,
                    "history": [
                        {"action": "CREATE", "oldValue": None, "newValue": 3, "reason": ""}
                    ],
                },
                "student": {"fullName": "S8_Vera Test"},
                "lesson": {"id": lesson, "topic": ""},
                "attendance": None,
            }
            assert (await next_payload(admin))["classJournalUpdates"] == update

            corrected = await server.gql(
                CORRECT,
                {"input": {"markId": mark, "value": 4, "reason": "Answered again"}},
                class8.token("russian_teacher"),
            )
            assert corrected["correctMark"]["userErrors"] == [], corrected
            update = (await next_payload(teacher))["classJournalUpdates"]
            assert (update["kind"], update["mark"]["value"]) == ("MARK_CORRECTED", 4)
            assert update["mark"]["history"][-1] == {
                "action": "CORRECT",
                "oldValue": 3,
                "newValue": 4,
                "reason": "Answered again",
            }
            assert (await next_payload(admin))["classJournalUpdates"] == update

            # A change to the whole lesson names no student.
            topic = await server.gql(
                TOPIC,
                {"input": {"lessonId": lesson, "topic": "Levers"}},
                class8.token("russian_teacher"),
            )
            assert topic["setLessonTopic"]["userErrors"] == [], topic
            update = (await next_payload(teacher))["classJournalUpdates"]
            assert (update["kind"], update["student"], update["lesson"]) == (
                "LESSON_CHANGED",
                None,
                {"id": lesson, "topic": "Levers"},
            )
            assert (await next_payload(admin))["classJournalUpdates"] == update
            # The class's mathematics journal heard of none of it.
            assert await nothing_more(other_subject, 0.5)


async def test_a_logout_closes_a_followed_journal_before_another_update(
    database: str, class8: Class8, tmp_path: Path
) -> None:
    env = {"EDIARY_DATABASE_URL": database, "EDIARY_TODAY": TODAY.isoformat()}
    physics = {
        "class": class8.gid("SchoolClass", "class8"),
        "subject": class8.gid("Subject", "physics"),
    }
    mark = {
        "studentId": class8.gid("Student", "s8_boris"),
        "lessonId": class8.gid("Lesson", "phys4"),
    }
    # A session of its own: the shared tokens of the other tests stay valid.
    leaving = await token_for(class8.world.users["russian_teacher"])
    async with (
        Server(env, tmp_path / "server.log") as server,
        subscription(server, leaving, UPDATES, physics) as ws,
    ):
        assert (await server.gql(LOGOUT, {}, leaving))["logout"]["ok"] is True
        posted = await server.gql(
            POST, {"input": {**mark, "value": 5}}, class8.token("russian_teacher")
        )
        assert posted["postMark"]["userErrors"] == [], posted
        code, reason, received = await closed_by_server(ws, within=2.0)
        assert (code, reason, received) == (4401, "Session ended: logged out.", [])
