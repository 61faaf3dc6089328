"""A frontend generated the way a frontend developer would: graphql-codegen's client preset
reads the committed schema.graphql and the named operations docs/api.md shows, `tsc` checks
the generated code with compat/frontend/client.ts, and Node runs the client against a real
`ediary serve` holding the demo school, logged in as the demo parent."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import BACKEND
from tests.reference_clients import COMPAT, node, require
from tests.servers import EDIARY, ROOT, Server
from tests.web.api_operations import operations_in, read_operations

FRONTEND = COMPAT / "frontend"
API_GUIDE = ROOT / "docs" / "api.md"
# What client.ts imports: docs/api.md must keep showing these operations under these names.
CLIENT_OPERATIONS = {"Login", "Viewer", "ChildWeek"}
TODAY = date(2026, 11, 26)  # a Thursday of the demo's second quarter
WEEK = "{}-W{:02}".format(*TODAY.isocalendar()[:2])


def _tool(package: str, executable: str) -> Path:
    found = COMPAT / "node_modules" / package / executable
    require(package, found.is_file(), "run `npm ci` in compat/")
    return found


async def _run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> str:
    """Runs a program to its end; its output, or a failure that shows it."""
    process = await asyncio.create_subprocess_exec(
        *args,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        out, err = await asyncio.wait_for(process.communicate(), 180)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode == 0, f"{' '.join(args)}\n{out.decode()}\n{err.decode()}"
    return out.decode()


def test_the_extractor_keeps_named_operations_and_says_what_it_leaves_out() -> None:
    markdown = "\n".join(
        [
            "```graphql",
            "query Named($id: ID!) { node(id: $id) { id ...Bits } }",
            "fragment Bits on Node { id }",
            "```",
            "- in a list:",
            "  ```graphql",
            "  mutation Indented { logout { ok } }",
            "  ```",
            "```graphql",
            "{ viewer { login } }",
            "```",
            "```graphql",
            "type Viewer { login: String! }",
            "```",
            "```graphql",
            "subscription { diaryUpdates(studentId: ...) { kind } }",
            "```",
            "```python",
            "query NotGraphQL { x }",
            "```",
        ]
    )
    found = operations_in(markdown)
    assert found.names == ["Named", "Indented"]
    assert [b.line for b in found.kept] == [1, 6]
    assert found.kept[1].text == "mutation Indented { logout { ok } }\n"
    assert [(s.line, s.reason.split(" (")[0]) for s in found.skipped] == [
        (9, "an anonymous operation"),
        (12, "schema definition language, not an operation"),
        (15, "does not parse"),
    ]


# The demo runs on its own SQLite file, so one pass of the suite is enough.
@pytest.mark.skipif(BACKEND != "sqlite", reason="runs in the SQLite pass")
async def test_a_generated_frontend_type_checks_and_reads_a_childs_week(tmp_path: Path) -> None:
    node_bin = node()
    codegen = _tool("@graphql-codegen/cli", "cjs/bin.js")
    tsc = _tool("typescript", "bin/tsc")
    _tool("@types/node", "index.d.ts")

    operations = read_operations(API_GUIDE)
    print(f"docs/api.md's named operations: {', '.join(operations.names)}")
    for skipped in operations.skipped:
        print(f"docs/api.md line {skipped.line} left out: {skipped.reason}")
    missing = CLIENT_OPERATIONS - set(operations.names)
    assert not missing, f"client.ts imports {sorted(missing)}; docs/api.md no longer names them"
    documents = tmp_path / "operations.graphql"
    documents.write_text(operations.document("docs/api.md"), encoding="utf-8")

    # The frontend as its developer has it: sources beside generated/, node_modules above.
    app = tmp_path / "app" / "frontend"
    app.mkdir(parents=True)
    for name in ("client.ts", "tsconfig.json"):
        shutil.copy(FRONTEND / name, app / name)
    (app.parent / "node_modules").symlink_to(COMPAT / "node_modules", target_is_directory=True)

    # The committed config, run where it lives so its schema is the committed schema.graphql.
    await _run(
        node_bin,
        str(codegen),
        "--config",
        "codegen.ts",
        cwd=FRONTEND,
        env={"EDIARY_OPERATIONS": str(documents), "EDIARY_GENERATED": f"{app / 'generated'}/"},
    )
    generated = sorted(p.name for p in (app / "generated").glob("*.ts"))
    assert "graphql.ts" in generated, generated
    await _run(node_bin, str(tsc), "--noEmit", "-p", str(app), cwd=app)
    await _run(node_bin, str(tsc), "-p", str(app), cwd=app)

    database = tmp_path / "demo.sqlite3"
    env = {"EDIARY_DATABASE_URL": f"sqlite://{database}"}
    loaded = await _run(EDIARY, "demo", "--today", TODAY.isoformat(), cwd=tmp_path, env=env)
    assert "parent" in loaded and "password for all: demo" in loaded, loaded

    async with Server(env, tmp_path / "server.log") as server:
        out = await _run(
            node_bin, str(app / "dist" / "client.js"), server.url, "parent", "demo", WEEK, cwd=app
        )
        summary: dict[str, Any] = json.loads(out)
        print(json.dumps(summary, ensure_ascii=False))
        expected = await _the_same_read_by_hand(server)

    assert summary["viewer"]["login"] == "parent"
    assert summary["viewer"]["fullName"] == expected["viewer"]["fullName"]
    assert summary["children"] == expected["viewer"]["children"]
    child = expected["viewer"]["children"][0]
    week = summary["week"]
    assert week["studentId"] == child["id"] and week["week"] == WEEK
    assert TODAY.isoformat() in week["days"]

    lessons = [x for day in expected["diary"]["days"] for x in day["lessons"]]
    assert lessons, "the demo's week has no lessons"
    assert week["lessons"] == len(lessons) >= 20  # five school days of several lessons
    assert week["subjects"] == sorted({x["lesson"]["subject"]["name"] for x in lessons})
    assert week["marks"] == sum(len(x["marks"]) for x in lessons) > 0
    assert week["homework"] == sum(len(x["homework"]) for x in lessons) > 0


async def _the_same_read_by_hand(server: Server) -> dict[str, Any]:
    """What the client should have seen, asked for by hand, without the generated code."""
    async with httpx.AsyncClient(timeout=30) as client:
        response = await client.post(
            f"{server.url}/graphql",
            json={
                "query": 'mutation { login(input: {login: "parent", password: "demo", '
                "client: APP}) { accessToken } }"
            },
        )
    token = response.json()["data"]["login"]["accessToken"]
    viewer = await server.gql("{ viewer { fullName children { id fullName } } }", {}, token)
    diary = await server.gql(
        "query($s: ID!, $w: Week!) { diary(studentId: $s, week: $w) "
        "{ days { lessons { lesson { subject { name } } marks { value } homework { text } } } } }",
        {"s": viewer["viewer"]["children"][0]["id"], "w": WEEK},
        token,
    )
    return {**viewer, **diary}
