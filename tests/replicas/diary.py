"""The demo school's parent and teacher on a served cluster: a mark posted, a week read."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families
from strawberry.relay import to_base64

from tests.replicas.cluster import Cluster
from tests.replicas.conftest import TODAY
from tests.servers import Server
from tests.waiting import eventually

WEEK = """query($s: ID!) {
  diary(studentId: $s, week: "2026-W48") { days { lessons { marks { comment } } } }
}"""
POST_MARK = """
mutation($input: PostMarkInput!) {
  postMark(input: $input) { mark { id } userErrors { code message } }
}
"""
LOGIN = """
mutation($login: String!) { login(input: {login: $login, password: "demo", client: APP}) {
  accessToken userErrors { message } } }
"""


@dataclass
class Diary:
    server: Server
    cluster: Cluster
    tokens: dict[str, str]
    student: str
    lesson: str

    async def ask(self, who: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """The data of a query or mutation sent as `who`, refused if it has errors."""
        return await self.server.gql(query, variables, self.tokens[who])

    async def comments(self, who: str) -> set[str]:
        """The comments of the marks `who` sees in the student's week."""
        answer = await self.ask(who, WEEK, {"s": self.student})
        days = answer["diary"]["days"]
        return {m["comment"] for d in days for x in d["lessons"] for m in x["marks"]}

    async def post_mark(self) -> str:
        comment = f"mark {uuid.uuid4().hex[:8]}"
        variables = {
            "input": {
                "lessonId": self.lesson,
                "studentId": self.student,
                "value": 5,
                "comment": comment,
            }
        }
        answer = await self.ask("teacher", POST_MARK, variables)
        assert answer["postMark"]["userErrors"] == [], answer
        return comment

    async def pause_replay(self) -> None:
        await self.cluster.sql(self.cluster.replica_port, "SELECT pg_wal_replay_pause()")

    async def resume_replay(self) -> None:
        await self.cluster.sql(self.cluster.replica_port, "SELECT pg_wal_replay_resume()")
        await eventually(self.cluster.caught_up, what="the replica to catch up")


async def labelled(url: str, name: str, **labels: str) -> float:
    """The value of one labelled sample of the server's metrics (0 before its first)."""
    async with httpx.AsyncClient(timeout=10) as client:
        response = await client.get(f"{url}/metrics")
    response.raise_for_status()
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


async def login(url: str, login: str) -> str:
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{url}/graphql", json={"query": LOGIN, "variables": {"login": login}}
        )
    found = response.json()["data"]["login"]
    assert found["userErrors"] == [], found
    token: str = found["accessToken"]
    return token


async def demo_pupil(cluster: Cluster) -> tuple[str, str]:
    """The IDs of the demo parent's child and of a lesson of this week the demo teacher
    gives the child's class, on or before the servers' today."""
    (row,) = await cluster.sql(
        cluster.primary_port,
        """SELECT l.id AS lesson, e.student_id AS student
           FROM account p JOIN guardianship g ON g.parent_id = p.id
           JOIN enrollment e ON e.student_id = g.student_id
           JOIN lesson l ON l.school_class_id = e.school_class_id
           JOIN account t ON t.id = l.teacher_id
           WHERE p.login = 'parent' AND t.login = 'teacher'
             AND l.date BETWEEN '2026-11-23' AND $1::date
           ORDER BY l.date, l.period LIMIT 1""",
        date.fromisoformat(TODAY),
    )
    return to_base64("Student", row["student"]), to_base64("Lesson", row["lesson"])
