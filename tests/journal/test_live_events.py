"""Live diary updates carry what a client shows: the lesson with its subject and day, and the
student, for every kind of update; over a real `ediary serve` process and real WebSockets,
as each role would subscribe."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.conftest import TODAY
from tests.journal.conftest import WEEK47_MONDAY, Class8
from tests.servers import Server, next_payload, nothing_more, subscription

UPDATES = """
subscription($student: ID!) {
  diaryUpdates(studentId: $student) {
    kind
    student { fullName }
    subject { name }
    date
    lesson { id date period subject { name } teacher { shortName } }
    attendance { kind lesson { id date subject { name } } }
    homework { text dueOn lesson { id date subject { name } } }
  }
}
"""
RECORD = """
mutation($input: RecordAttendanceInput!) {
  recordAttendance(input: $input) { userErrors { field code } }
}
"""
SET_HOMEWORK = """
mutation($input: SetHomeworkInput!) {
  setHomework(input: $input) { homework { id } userErrors { field code } }
}
"""


async def _refused(server: Server, token: str | None, student: str) -> str:
    """How a subscription to `student` is refused for `token` (None: no credentials)."""
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
        subscribe = {"query": UPDATES, "variables": {"student": student}}
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": subscribe}))
        message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
        assert message["payload"]["data"] is None
        code: str = message["payload"]["errors"][0]["extensions"]["code"]
        return code


async def test_an_absence_arrives_with_its_lesson_subject_day_and_student(
    database: str, class8: Class8, tmp_path: Path
) -> None:
    env = {"EDIARY_DATABASE_URL": database, "EDIARY_TODAY": TODAY.isoformat()}
    anna = {"student": class8.gid("Student", "s8_anna")}
    lesson = class8.gid("Lesson", "phys2")
    wednesday = WEEK47_MONDAY.replace(day=WEEK47_MONDAY.day + 2).isoformat()
    async with Server(env, tmp_path / "server.log") as server:
        # Other families, teachers of another school and anonymous clients get nothing.
        assert await _refused(server, class8.token("p8_boris"), anna["student"]) == "NOT_FOUND"
        assert (
            await _refused(server, class8.token("other_school_teacher"), anna["student"])
            == "NOT_FOUND"
        )
        assert await _refused(server, None, anna["student"]) == "4403"
        async with (
            subscription(server, class8.token("p8_anna"), UPDATES, anna) as parent,
            subscription(server, class8.token("russian_teacher"), UPDATES, anna) as teacher,
            subscription(server, class8.token("math_teacher"), UPDATES, anna) as other_subject,
        ):
            absent = await server.gql(
                RECORD,
                {
                    "input": {
                        "lessonId": lesson,
                        "entries": [{"studentId": anna["student"], "presence": "ABSENT"}],
                    }
                },
                class8.token("russian_teacher"),
            )
            assert absent["recordAttendance"]["userErrors"] == []
            shown = {
                "id": lesson,
                "date": wednesday,
                "period": 2,
                "subject": {"name": "Physics"},
                "teacher": {"shortName": "Petrova O."},
            }
            expected = {
                "kind": "ATTENDANCE_RECORDED",
                "student": {"fullName": "S8_Anna Test"},
                "subject": {"name": "Physics"},
                "date": wednesday,
                "lesson": shown,
                "attendance": {
                    "kind": "ABSENT",
                    "lesson": {"id": lesson, "date": wednesday, "subject": {"name": "Physics"}},
                },
                "homework": None,
            }
            assert (await next_payload(parent))["diaryUpdates"] == expected
            assert (await next_payload(teacher))["diaryUpdates"] == expected
            # The class's mathematics teacher does not follow physics.
            assert await nothing_more(other_subject, 0.5)

            # Taken back: the record is gone, the update still says which lesson.
            present = await server.gql(
                RECORD,
                {
                    "input": {
                        "lessonId": lesson,
                        "entries": [{"studentId": anna["student"], "presence": "PRESENT"}],
                    }
                },
                class8.token("russian_teacher"),
            )
            assert present["recordAttendance"]["userErrors"] == []
            update = (await next_payload(parent))["diaryUpdates"]
            assert (update["kind"], update["attendance"], update["lesson"]) == (
                "ATTENDANCE_RECORDED",
                None,
                shown,
            )
            assert (await next_payload(teacher))["diaryUpdates"] == update

            # Homework concerns the whole class: each subscriber's update names their student.
            set_ = await server.gql(
                SET_HOMEWORK,
                {"input": {"lessonId": lesson, "text": "Read 12", "dueOn": "2026-11-20"}},
                class8.token("russian_teacher"),
            )
            assert set_["setHomework"]["userErrors"] == []
            update = (await next_payload(parent))["diaryUpdates"]
            assert update["kind"] == "HOMEWORK_SET"
            assert update["student"] == {"fullName": "S8_Anna Test"}
            assert (update["subject"], update["date"], update["lesson"]) == (
                {"name": "Physics"},
                wednesday,
                shown,
            )
            assert update["homework"] == {
                "text": "Read 12",
                "dueOn": "2026-11-20",
                "lesson": {"id": lesson, "date": wednesday, "subject": {"name": "Physics"}},
            }
            assert (await next_payload(teacher))["diaryUpdates"] == update
            assert await nothing_more(other_subject, 0.5)
