"""Live diary updates through graphql-ws, the reference client of graphql-transport-ws, run
by Node against a real `ediary serve`: a parent authenticated in `connection_init` receives
the mark a teacher posts over HTTP; a connection without credentials is refused with 4403."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from tests.conftest import TODAY
from tests.journal.conftest import Class8
from tests.reference_clients import node, run_node, start_node
from tests.servers import Server, listening

UPDATES = """
subscription($student: ID!) {
  diaryUpdates(studentId: $student) { kind markId mark { value kind student { fullName } } }
}
"""
POST = """
mutation($input: PostMarksInput!) {
  postMarks(input: $input) { marks { id value } userErrors { code } }
}
"""


def _ws(server: Server) -> str:
    return server.url.replace("http://", "ws://") + "/graphql"


async def _line(stream: asyncio.StreamReader) -> dict[str, Any]:
    raw = await asyncio.wait_for(stream.readline(), 20)
    assert raw, "the client ended without a word"
    line: dict[str, Any] = json.loads(raw)
    return line


async def test_a_parent_receives_a_posted_mark_through_graphql_ws(
    database: str, class8: Class8, tmp_path: Path
) -> None:
    node()  # skips (or fails under EDIARY_REQUIRE_COMPAT=1) before starting a server
    env = {"EDIARY_DATABASE_URL": database, "EDIARY_TODAY": TODAY.isoformat()}
    anna = class8.gid("Student", "s8_anna")
    async with Server(env, tmp_path / "server.log") as server:
        client = await start_node(
            "subscribe.mjs",
            _ws(server),
            UPDATES,
            json.dumps({"student": anna}),
            "1",
            class8.token("p8_anna"),
        )
        assert client.stdout is not None and client.stderr is not None
        try:
            assert await _line(client.stdout) == {"event": "connected"}
            await listening(server.url, at_least=1)
            posted = await server.gql(
                POST,
                {
                    "input": {
                        "lessonId": class8.gid("Lesson", "math2"),
                        "kind": "ORAL",
                        "idempotencyKey": "graphql-ws-client-anna",
                        "marks": [{"studentId": anna, "value": 4}],
                    }
                },
                class8.token("math_teacher"),
            )
            assert posted["postMarks"]["userErrors"] == []
            mark_id = posted["postMarks"]["marks"][0]["id"]

            received = await _line(client.stdout)
            status = await asyncio.wait_for(client.wait(), 20)
        finally:
            if client.returncode is None:
                client.kill()
                await client.wait()
        assert received == {
            "event": "next",
            "payload": {
                "data": {
                    "diaryUpdates": {
                        "kind": "MARK_POSTED",
                        "markId": mark_id,
                        "mark": {
                            "value": 4,
                            "kind": "ORAL",
                            "student": {"fullName": "S8_Anna Test"},
                        },
                    }
                }
            },
        }, received
        assert status == 0, await client.stderr.read()


async def test_graphql_ws_without_credentials_is_refused(
    database: str, class8: Class8, tmp_path: Path
) -> None:
    node()
    env = {"EDIARY_DATABASE_URL": database, "EDIARY_TODAY": TODAY.isoformat()}
    variables = json.dumps({"student": class8.gid("Student", "s8_anna")})
    async with Server(env, tmp_path / "server.log") as server:
        status, out, err = await run_node("subscribe.mjs", _ws(server), UPDATES, variables, "1")
    events = [json.loads(line) for line in out.splitlines()]
    assert status == 1, (out, err)
    assert {"event": "connected"} not in events
    assert events[0] == {"event": "closed", "code": 4403, "reason": "Forbidden"}, events
    assert not any(e["event"] == "next" for e in events)
