"""`ediary serve --workers 2`: nothing correct depends on a worker's memory. Sessions and
limits live in the database, so this holds on SQLite as well; live updates between workers
need PostgreSQL (tests/journal/test_two_servers.py).

The workers share one listening socket, and which of them accepts a new connection is up to
the kernel and the scheduler: on a busy machine one worker can take ten in a row. So the
test chooses: it pauses (SIGSTOP) every other worker while a request is sent, as if they
were busy, and the requests of each check alternate between the workers. The JSON access
log names the process that answered each request ID, which confirms it."""

from __future__ import annotations

import contextlib
import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from ediary.domain import models
from ediary.domain.auth import hash_password
from tests.servers import Server
from tests.waiting import eventually

LOGIN = """
mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password, client: APP}) {
    accessToken userErrors { code }
  }
}
"""
VIEWER = "query Who { viewer { login } }"
LOGOUT = "mutation Bye { logout { ok } }"
PASSWORD = "workers share everything"
LOCK_AFTER = 6
STARTED = "Application startup complete."


class Workers:
    def __init__(self, server: Server) -> None:
        self.server = server
        self.sent = 0
        self.pids_started: list[int] = []

    async def started(self) -> None:
        def both() -> bool:
            found = [line["pid"] for line in self.lines() if line["message"] == STARTED]
            self.pids_started = found[-2:]  # uvicorn may have replaced a worker that hung
            return len(found) >= 2

        await eventually(both, within=60)

    @contextlib.contextmanager
    def only(self, pid: int) -> Iterator[None]:
        """Let only this worker accept connections meanwhile: the others are paused."""
        paused = [other for other in self.pids_started if other != pid]
        for other in paused:
            os.kill(other, signal.SIGSTOP)
        try:
            yield
        finally:
            for other in paused:
                os.kill(other, signal.SIGCONT)

    async def post(
        self,
        request_id: str,
        query: str,
        variables: dict[str, Any],
        token: str | None = None,
        worker: int | None = None,
    ) -> dict[str, Any]:
        headers = {"X-Request-ID": request_id}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        with self.only(worker) if worker is not None else contextlib.nullcontext():
            # A client per request: a new connection, accepted by a worker that is running.
            async with httpx.AsyncClient(timeout=30) as client:
                response = await client.post(
                    f"{self.server.url}/graphql",
                    json={"query": query, "variables": variables},
                    headers=headers,
                )
        self.sent += 1
        assert response.headers["x-request-id"] == request_id
        result: dict[str, Any] = response.json()
        return result

    async def many(
        self, prefix: str, count: int, query: str, variables: dict[str, Any], token: str | None
    ) -> list[dict[str, Any]]:
        """Requests sent in turn to each worker."""
        workers = self.pids_started
        return [
            await self.post(f"{prefix}-{n}", query, variables, token, workers[n % len(workers)])
            for n in range(count)
        ]

    def lines(self) -> list[dict[str, Any]]:
        found = []
        for line in self.server.log.read_text().splitlines():
            if line.startswith("{"):
                found.append(json.loads(line))
        return found

    def pids(self, prefix: str) -> set[int]:
        return {
            line["pid"]
            for line in self.lines()
            if line["logger"] == "ediary.access"
            and str(line.get("request_id", "")).startswith(f"{prefix}-")
        }


async def test_two_workers_share_sessions_login_throttling_and_logouts(
    database: str, tmp_path: Path
) -> None:
    await models.User.create(
        login="two.workers",
        last_name="Workers",
        first_name="Two",
        password_hash=hash_password(PASSWORD),
    )
    env = {
        "EDIARY_DATABASE_URL": database,
        "EDIARY_LOG_FORMAT": "json",
        "EDIARY_LOGIN_FAILURES": str(LOCK_AFTER),
    }
    async with Server(env, tmp_path / "workers.log", ("--workers", "2"), wait=90) as server:
        workers = Workers(server)
        await workers.started()
        both = set(workers.pids_started)

        # One login; its bearer session works on every worker.
        login = {"login": "two.workers", "password": PASSWORD}
        token = (await workers.post("login-0", LOGIN, login))["data"]["login"]["accessToken"]
        seen = await workers.many("session", 10, VIEWER, {}, token)
        assert {r["data"]["viewer"]["login"] for r in seen} == {"two.workers"}
        assert workers.pids("session") == both

        # Failures counted on either worker add up to one lock.
        wrong = {"login": "two.workers", "password": "not it"}
        failed = await workers.many("failure", LOCK_AFTER, LOGIN, wrong, None)
        assert [r["data"]["login"]["userErrors"][0]["code"] for r in failed] == (
            ["INVALID_CREDENTIALS"] * LOCK_AFTER
        )
        assert workers.pids("failure") == both
        locked = await workers.many("locked", 4, LOGIN, login, None)
        assert {r["data"]["login"]["userErrors"][0]["code"] for r in locked} == {
            "TOO_MANY_ATTEMPTS"
        }
        assert workers.pids("locked") == both

        # A logout through one worker ends the session on all.
        assert (await workers.post("logout-0", LOGOUT, {}, token))["data"]["logout"]["ok"]
        after = await workers.many("revoked", 6, VIEWER, {}, token)
        codes = {error["extensions"]["code"] for r in after for error in r.get("errors", [])}
        assert all(r["data"] is None or r["data"]["viewer"] is None for r in after), after
        assert codes and codes <= {"SESSION_EXPIRED", "UNAUTHENTICATED"}
        assert workers.pids("revoked") == both

        # Both workers' samples are added up, whichever of them answers the scrape.
        async with httpx.AsyncClient() as client:
            scraped = await client.get(f"{server.url}/metrics")
        assert scraped.status_code == 200, [
            line for line in workers.lines() if line["logger"] == "ediary.errors"
        ]
        text = scraped.text
        graphql = sum(
            sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
            if sample.name == "ediary_http_requests_total" and sample.labels["route"] == "/graphql"
        )
        assert graphql == workers.sent
