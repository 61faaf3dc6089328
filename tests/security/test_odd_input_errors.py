"""Finding 11: odd input answers with a stable code, never a server error, and a client that
goes away is one short log line, not a traceback."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.types import Message
from strawberry.relay import to_base64

from ediary.app import create_app
from ediary.config import Settings
from tests.conftest import GraphQLClient
from tests.world import World

NODE = "query($id: ID!) { node(id: $id) { id } }"
DIARY = "query($s: ID!, $w: Week!) { diary(studentId: $s, week: $w) { days { date } } }"
REGIONAL = """
query($code: String!) {
  regionalReport(regionCode: $code, academicYear: "2026/2027", termNumber: 1) {
    schools { school { name } }
  }
}"""
START = """
mutation($input: StartImportInput!) {
  startImport(input: $input) { job { id } userErrors { field message code } }
}"""


def codes(result: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in result.get("errors", [])]


@pytest.mark.parametrize(
    "number", ["18446744073709551616", "9223372036854775808", "2147483648", "-1", "0", "²"]
)
@pytest.mark.parametrize("kind", ["Student", "Mark", "School"])
async def test_ids_out_of_the_database_range_are_not_found(
    gql: GraphQLClient, kind: str, number: str
) -> None:
    result = await gql(NODE, {"id": to_base64(kind, number)}, as_user="admin")
    assert codes(result) == ["NOT_FOUND"], result


async def test_an_argument_id_past_64_bits_is_not_found(gql: GraphQLClient) -> None:
    student = to_base64("Student", "1" + "0" * 25)
    result = await gql(DIARY, {"s": student, "w": "2026-W48"}, as_user="parent")
    assert codes(result) == ["NOT_FOUND"], result


async def test_a_node_of_the_interface_type_is_refused_like_any_type_without_nodes(
    gql: GraphQLClient,
) -> None:
    result = await gql(NODE, {"id": to_base64("Node", "1")}, as_user="admin")
    assert codes(result) == ["BAD_USER_INPUT"], result
    not_a_node = await gql(NODE, {"id": to_base64("DiaryWeek", "1")}, as_user="admin")
    assert result["errors"][0]["message"] == not_a_node["errors"][0]["message"]


@pytest.mark.parametrize("week", ["9999-W52", "0001-W01", "1000-W01", "5000-W10"])
async def test_weeks_far_from_now_are_refused_as_bad_input(
    gql: GraphQLClient, world: World, week: str
) -> None:
    student = to_base64("Student", world.users["student"].id)
    result = await gql(DIARY, {"s": student, "w": week}, as_user="parent")
    assert codes(result) == ["BAD_USER_INPUT"], result
    assert "year" in result["errors"][0]["message"]


async def test_a_long_region_code_is_not_found(gql: GraphQLClient) -> None:
    for code in ("r" * 40, "r" * 10_000):
        result = await gql(REGIONAL, {"code": code}, as_user="official")
        assert codes(result) == ["NOT_FOUND"], result


async def test_an_import_path_over_255_characters_is_bad_input(
    settings: Settings, world: World, tmp_path: Path
) -> None:
    extra = {**settings.extra, "EDIARY_IMPORT_DIR": str(tmp_path)}
    app = create_app(dataclasses.replace(settings, extra=extra), manage_database=False)
    gql = GraphQLClient(app, world)
    school = to_base64("School", world.id("school_A"))
    jobs_before = await _jobs()
    for path in ("a" * 300, "/".join(["b" * 200] * 30), "c" * 5000):
        result = await gql(
            START,
            {"input": {"backend": "oneroster", "path": path, "schoolId": school}},
            as_user="admin",
        )
        assert "errors" not in result, result
        payload = result["data"]["startImport"]
        assert payload["job"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [
            ("BAD_USER_INPUT", ["input", "path"])
        ]
    assert await _jobs() == jobs_before


async def _jobs() -> int:
    from ediary_oneroster.models import ImportJob

    return await ImportJob.all().count()


async def test_a_client_that_disconnects_is_one_short_line(
    app: Starlette, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """The body never arrives: the client went away while sending it."""
    sent: list[Message] = []

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": [(b"content-type", b"application/json"), (b"content-length", b"100")],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
        "state": {},
    }
    caplog.set_level(logging.INFO)
    await app(scope, receive, send)
    assert not [r for r in caplog.records if r.exc_info], [r.getMessage() for r in caplog.records]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [m for m in sent if m["type"] == "http.response.start" and m["status"] >= 500]
    [line] = [r for r in caplog.records if r.name == "ediary.access"]
    assert line.getMessage() == "POST /graphql 499"
