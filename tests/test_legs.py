"""How `make test` cuts the suite into parts (tests/legs.py, EDIARY_TEST_PART)."""

from __future__ import annotations

from tests.conftest import modules_of_part
from tests.legs import PARTS, parts


def test_every_module_is_in_exactly_one_part() -> None:
    modules = [f"tests/m{i:02}.py" for i in range(7)]
    cut = [modules_of_part(modules, f"{k}/3") for k in (1, 2, 3)]
    assert sorted(m for part in cut for m in part) == modules
    assert [len(part) for part in cut] == [3, 2, 2]


def test_the_runs_follow_the_servers_named() -> None:
    sqlite_only = parts({})
    assert [p.name for p in sqlite_only] == [f"SQLite {k}/{PARTS}" for k in range(1, PARTS + 1)]
    assert all(p.env["EDIARY_TEST_POSTGRES_URL"] == "" for p in sqlite_only)
    server = "postgres://postgres@127.0.0.1:5432/test"
    every = parts(
        {
            "EDIARY_TEST_POSTGRES_URL": server,
            "EDIARY_TEST_POSTGRES_POOLER_URL": "postgres://postgres@127.0.0.1:6432",
        }
    )
    assert [p.name.split()[0] for p in every] == ["SQLite"] * PARTS + ["PostgreSQL"] * PARTS + [
        "PgBouncer"
    ] * PARTS
    pooled = [p for p in every if p.name.startswith("PgBouncer")]
    # Through the pooler: without the replica tests (a cluster of their own) and installs.
    assert all("--ignore=tests/replicas" in p.commands[0] for p in pooled)
    # Each run's last part also takes the plugin suites.
    for run in ("SQLite", "PostgreSQL", "PgBouncer"):
        last = [p for p in every if p.name.startswith(run)][-1]
        assert any("plugins/ediary-example/tests" in c for c in last.commands)
    direct = [p for p in every if p.name.startswith("PostgreSQL")]
    assert all(p.env["EDIARY_TEST_POSTGRES_POOLER_URL"] == "" for p in direct)
    assert all(p.env["EDIARY_TEST_PART"] == f"{k}/{PARTS}" for k, p in enumerate(direct, 1))
