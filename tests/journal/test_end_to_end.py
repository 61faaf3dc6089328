"""The journal end to end, with real processes: a teacher posts a class's marks through an
`ediary serve` process; a parent subscribed over a real WebSocket receives their child's;
e-mail (a real SMTP server) and SMS (a local gateway) arrive once each; a correction shows
in the history; a mark changed directly in the database fails `ediary audit verify`."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Any

import pytest

from ediary.domain import models
from tests.conftest import TODAY
from tests.journal.conftest import Class8
from tests.servers import (
    EDIARY,
    Server,
    delivery_rounds,
    next_payload,
    nothing_more,
    sms_gateway,
    smtp_server,
    subscription,
)
from tests.waiting import eventually

UPDATES = """
subscription($student: ID!) {
  diaryUpdates(studentId: $student) {
    kind markId mark { value kind student { fullName } } attendance { kind }
  }
}
"""
POST = """
mutation($input: PostMarksInput!) {
  postMarks(input: $input) { marks { id value } userErrors { field message code } }
}
"""
CORRECT = """
mutation($input: CorrectMarkInput!) {
  correctMark(input: $input) {
    mark { value history { sequence action oldValue newValue reason } } userErrors { code }
  }
}
"""


def _audit(database: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EDIARY, "audit", "verify"],
        env={"EDIARY_DATABASE_URL": database, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_marks_reach_families_live_by_mail_and_sms_and_stay_tamper_evident(
    database: str, class8: Class8, tmp_path: Path
) -> None:
    with smtp_server() as (mailbox, smtp_port), sms_gateway(fail_first=1) as (gateway, sms_url):
        env = {
            "EDIARY_DATABASE_URL": database,
            "EDIARY_TODAY": TODAY.isoformat(),
            "EDIARY_SMTP_HOST": "127.0.0.1",
            "EDIARY_SMTP_PORT": str(smtp_port),
            "EDIARY_MAIL_FROM": "diary@school.example",
            "EDIARY_SMS_GATEWAY_URL": sms_url,
            "EDIARY_DELIVERY_POLL_SECONDS": "0.2",
            "EDIARY_DELIVERY_RETRY_SECONDS": "0.3",
            "EDIARY_ATTACHMENTS_DIR": str(tmp_path / "files"),
        }
        async with Server(env, tmp_path / "server.log") as server:
            anna = {"student": class8.gid("Student", "s8_anna")}
            async with (
                subscription(server, class8.token("p8_anna"), UPDATES, anna) as parent,
                subscription(server, class8.token("nurse"), UPDATES, anna) as nurse,
            ):
                names = ("s8_anna", "s8_boris", "s8_vera")
                posted = await server.gql(
                    POST,
                    {
                        "input": {
                            "lessonId": class8.gid("Lesson", "math4"),
                            "kind": "ORAL",
                            "idempotencyKey": "e2e-oral-2026-11-20",
                            "marks": [
                                {"studentId": class8.gid("Student", n), "value": v}
                                for n, v in zip(names, (5, 4, 3), strict=True)
                            ],
                        }
                    },
                    class8.token("math_teacher"),
                )
                assert posted["postMarks"]["userErrors"] == []
                anna_mark = posted["postMarks"]["marks"][0]["id"]

                update = (await next_payload(parent))["diaryUpdates"]
                assert update["kind"] == "MARK_POSTED"
                assert update["markId"] == anna_mark
                assert update["mark"] == {
                    "value": 5,
                    "kind": "ORAL",
                    "student": {"fullName": "S8_Anna Test"},
                }
                # Boris's and Vera's marks are not Anna's; the nurse sees no marks at all.
                assert await nothing_more(parent)
                assert await nothing_more(nurse, 0.1)

                # Anna's mother has e-mail and a phone; Boris's father e-mail only; Vera no parent.
                await eventually(lambda: len(mailbox.messages) >= 2 and len(gateway.received) >= 1)
                await delivery_rounds(server.url, 5)  # then nothing is sent twice
                assert sorted(m["To"] for m in mailbox.messages) == [
                    "anna.mother@example.org",
                    "boris.father@example.org",
                ]
                anna_mail = next(m for m in mailbox.messages if m["To"].startswith("anna"))
                assert "оценка 5" in anna_mail.get_content()
                assert gateway.refused == 1  # the first try failed and was retried
                assert [(s["to"], "оценка 5" in s["text"]) for s in gateway.received] == [
                    ("+79990000001", True)
                ]

                corrected = await server.gql(
                    CORRECT,
                    {"input": {"markId": anna_mark, "value": 4, "reason": "Answer was incomplete"}},
                    class8.token("math_teacher"),
                )
                history = corrected["correctMark"]["mark"]["history"]
                assert [(e["action"], e["oldValue"], e["newValue"]) for e in history] == [
                    ("CREATE", None, 5),
                    ("CORRECT", 5, 4),
                ]
                update = (await next_payload(parent))["diaryUpdates"]
                assert (update["kind"], update["mark"]["value"]) == ("MARK_CORRECTED", 4)
                await eventually(lambda: len(mailbox.messages) == 3 and len(gateway.received) == 2)

                attendance = await server.gql(
                    """mutation($input: RecordAttendanceInput!) {
                      recordAttendance(input: $input) { userErrors { code } } }""",
                    {
                        "input": {
                            "lessonId": class8.gid("Lesson", "math3"),
                            "entries": [
                                {"studentId": anna["student"], "presence": "LATE", "minutesLate": 5}
                            ],
                        }
                    },
                    class8.token("math_teacher"),
                )
                assert attendance["recordAttendance"]["userErrors"] == []
                seen_by_nurse = (await next_payload(nurse))["diaryUpdates"]
                assert seen_by_nurse == {
                    "kind": "ATTENDANCE_RECORDED",
                    "markId": None,
                    "mark": None,
                    "attendance": {"kind": "LATE"},
                }
                await eventually(lambda: len(mailbox.messages) == 4)

            await delivery_rounds(server.url, 3)
            keys = [m["X-Ediary-Key"] for m in mailbox.messages]
            assert len(keys) == len(set(keys)) == 4
            assert len({s["key"] for s in gateway.received}) == len(gateway.received) == 3

    # The history is intact; then someone edits the marks table directly.
    ok = _audit(database)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    mark_id = int(_local(anna_mark))
    last = await models.MarkEvent.filter(mark_id=mark_id).order_by("-seq").first()
    assert last is not None
    await models.Mark.filter(id=mark_id).update(value=5)
    try:
        broken = _audit(database)
        assert broken.returncode == 1
        assert f"mark {mark_id} differs from its last event #{last.seq}" in broken.stdout
        assert "value 5 in the table, 4 in the history" in broken.stdout
    finally:
        await models.Mark.filter(id=mark_id).update(value=4)
    assert _audit(database).returncode == 0


async def test_a_subscription_needs_a_login_and_a_visible_student(
    database: str, class8: Class8, tmp_path: Path
) -> None:
    import json

    from websockets.asyncio.client import connect

    env = {"EDIARY_DATABASE_URL": database, "EDIARY_TODAY": TODAY.isoformat()}
    async with Server(env, tmp_path / "server.log") as server:
        url = server.url.replace("http://", "ws://") + "/graphql"
        async with connect(url, subprotocols=["graphql-transport-ws"]) as ws:  # type: ignore[list-item]
            await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
            with pytest.raises(Exception, match="4403"):
                await asyncio.wait_for(ws.recv(), 10)
        boris = {"student": class8.gid("Student", "s8_boris")}
        async with subscription(
            server, class8.token("p8_anna"), UPDATES, boris, refused=True
        ) as ws:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 10))
            # Refused before it starts: one result with the error, then nothing.
            assert message["type"] == "next", message
            assert message["payload"]["data"] is None
            assert message["payload"]["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def _local(global_id: str) -> str:
    from strawberry.relay import from_base64

    return from_base64(global_id)[1]
