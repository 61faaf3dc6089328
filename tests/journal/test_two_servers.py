"""Two server processes on one PostgreSQL database: a mark posted through one reaches a
subscriber connected to the other (LISTEN/NOTIFY)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import BACKEND, TODAY
from tests.journal.conftest import Class8
from tests.servers import Server, next_payload, subscription

pytestmark = pytest.mark.skipif(
    BACKEND != "postgres", reason="several processes share live updates through PostgreSQL"
)

UPDATES = """
subscription($student: ID!) { diaryUpdates(studentId: $student) { kind mark { value } } }
"""
POST = """
mutation($input: PostMarkInput!) { postMark(input: $input) { mark { id } userErrors { code } } }
"""


async def test_a_mark_posted_through_one_process_reaches_a_subscriber_of_another(
    database: str, class8: Class8, tmp_path: Path
) -> None:
    env = {"EDIARY_DATABASE_URL": database, "EDIARY_TODAY": TODAY.isoformat()}
    async with (
        Server(env, tmp_path / "a.log") as first,
        Server(env, tmp_path / "b.log") as second,
    ):
        vera = class8.gid("Student", "s8_vera")
        async with subscription(second, class8.token("s8_vera"), UPDATES, {"student": vera}) as ws:
            posted = await first.gql(
                POST,
                {
                    "input": {
                        "lessonId": class8.gid("Lesson", "math2"),
                        "studentId": vera,
                        "value": 5,
                        "kind": "HOMEWORK",
                    }
                },
                class8.token("math_teacher"),
            )
            assert posted["postMark"]["userErrors"] == []
            update = (await next_payload(ws))["diaryUpdates"]
            assert update == {"kind": "MARK_POSTED", "mark": {"value": 5}}
