"""One JSON object per log line, each request with an ID (the client's, if acceptable) that is
echoed back and stamped on every line written while serving it."""

from __future__ import annotations

import json
import logging
import re
import sys
from datetime import datetime

import httpx
import pytest
from starlette.applications import Starlette

from ediary.server.logs import JsonFormatter, TextFormatter, logging_config
from tests.server.logcapture import json_lines

WHO = "query WhoAmI { viewer { login } }"


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_the_access_line_carries_the_request_id_and_the_graphql_operation(
    app: Starlette, database: str
) -> None:
    with json_lines() as lines:
        async with _client(app) as client:
            response = await client.post(
                "/graphql", json={"query": WHO}, headers={"X-Request-ID": "trace-42.a/b"}
            )
    assert response.headers["x-request-id"] == "trace-42.a/b"
    (line,) = lines.of("ediary.access")
    assert datetime.fromisoformat(line["time"]).utcoffset() is not None
    duration = line.pop("duration_ms")
    assert isinstance(duration, float) and duration >= 0
    assert {k: v for k, v in line.items() if k not in {"time", "pid"}} == {
        "level": "info",
        "logger": "ediary.access",
        "message": "POST /graphql 200",
        "request_id": "trace-42.a/b",
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "operation": "WhoAmI",
        "operation_type": "query",
    }


@pytest.mark.parametrize("sent", ["", "x" * 129, "two words", "line\nbreak", "<script>", "naïve"])
async def test_an_unacceptable_request_id_is_replaced_by_a_new_one(
    app: Starlette, database: str, sent: str
) -> None:
    with json_lines() as lines:
        async with _client(app) as client:
            response = await client.get("/healthz", headers={"X-Request-ID": sent.encode()})
    given = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", given)
    assert lines.of("ediary.access")[0]["request_id"] == given


async def test_requests_without_an_id_get_distinct_ones(app: Starlette, database: str) -> None:
    async with _client(app) as client:
        ids = {(await client.get("/healthz")).headers["x-request-id"] for _ in range(3)}
    assert len(ids) == 3


async def test_the_access_line_names_the_error_codes_of_the_response(
    app: Starlette, database: str
) -> None:
    with json_lines() as lines:
        async with _client(app) as client:
            await client.post(
                "/graphql",
                json={"query": "query Broken { nope }"},
                headers={"X-Request-ID": "broken-1"},
            )
    (line,) = lines.of("ediary.access")
    assert (line["request_id"], line["operation"], line["error_codes"]) == (
        "broken-1",
        "Broken",
        ["GRAPHQL_VALIDATION_FAILED"],
    )


def _record(**extra: object) -> logging.LogRecord:
    record = logging.LogRecord("ediary.test", logging.WARNING, __file__, 1, "hi %s", ("x",), None)
    for key, value in extra.items():
        setattr(record, key, value)
    return record


def test_json_lines_hold_the_extra_fields_and_the_traceback() -> None:
    record = _record(request_id="r1", status=500)
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        record.exc_info = sys.exc_info()
    line = json.loads(JsonFormatter().format(record))
    assert (line["level"], line["message"], line["request_id"], line["status"]) == (
        "warning",
        "hi x",
        "r1",
        500,
    )
    assert "RuntimeError: boom" in line["exception"]
    assert "\n" not in JsonFormatter().format(record)


def test_text_lines_put_the_fields_after_the_message() -> None:
    line = TextFormatter().format(_record(request_id="r1", status=200))
    assert line.endswith("WARNING ediary.test: hi x request_id=r1 status=200")


def test_uvicorns_loggers_hand_their_lines_to_ours_and_strawberrys_are_quiet() -> None:
    config = logging_config("json", "info")
    assert config["formatters"]["main"]["()"] == "ediary.server.logs.JsonFormatter"
    assert all(
        config["loggers"][name] == {"handlers": [], "propagate": True, "level": "INFO"}
        for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
    )
    assert config["loggers"]["strawberry.execution"] == {"level": "CRITICAL"}


async def test_secrets_in_paths_stay_out_of_the_log(app: Starlette, database: str) -> None:
    # A calendar feed's address is its only credential.
    with json_lines() as lines:
        async with _client(app) as client:
            await client.get("/calendar/s3cret-feed-address.ics")
    (line,) = lines.of("ediary.access")
    assert line["path"] == "/calendar/{secret}.ics"
    assert "s3cret-feed-address" not in json.dumps(lines.all())
