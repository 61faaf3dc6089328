"""graphql-http's audits of the GraphQL-over-HTTP specification, run by Node against a real
`ediary serve`: every MUST passes and no SHOULD warns. MAY audits are recommendations the
specification leaves open; the test prints what they say."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.reference_clients import node, run_node
from tests.servers import Server


def _table(audits: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{a['status']:6} {a['id']} {a['name']}"
        + (
            f"\n       {a['reason']} (HTTP {a['responseStatus']}: {a['responseBody']})"
            if a["status"] != "ok"
            else ""
        )
        for a in audits
    )


async def test_the_server_passes_the_graphql_over_http_audits(
    database: str, tmp_path: Path
) -> None:
    node()  # skips (or fails under EDIARY_REQUIRE_COMPAT=1) before starting a server
    async with Server({"EDIARY_DATABASE_URL": database}, tmp_path / "server.log") as server:
        status, out, err = await run_node("audit.mjs", f"{server.url}/graphql")
    assert status == 0, err
    report = json.loads(out)
    audits: list[dict[str, Any]] = report["audits"]
    print(json.dumps(report["summary"]))
    print(_table(audits))

    must = [a for a in audits if a["level"] == "MUST"]
    should = [a for a in audits if a["level"] == "SHOULD"]
    assert len(must) >= 10 and len(should) >= 20, report["summary"]
    failed = [a for a in must if a["status"] != "ok"]
    warned = [a for a in should if a["status"] != "ok"]
    assert not failed, _table(failed)
    assert not warned, _table(warned)
