"""The side-by-side report's W6 table, rendered from the run's JSON."""

from __future__ import annotations

from typing import Any

from bench.side_by_side import SERVERS, render


def _round(requests: float, hits: int | None, misses: int | None) -> dict[str, Any]:
    return {
        "requests_per_second": requests,
        "p50_ms": 10.0,
        "p99_ms": 30.0,
        "errors": 0,
        "marks_planned_per_second": 10.0,
        "marks_per_second": 9.9,
        "marks_written": 99,
        "mark_p50_ms": 12.0,
        "cache_hits": hits,
        "cache_misses": misses,
    }


def test_w6_gives_ratios_written_rate_and_hit_rate_per_rate_and_server() -> None:
    rates = {"ediary": 300.0, "ediary-uncached": 100.0, "limit": 600.0, "postgraphile": 200.0}
    lookups = {"ediary": (30, 70), "ediary-uncached": (0, 0)}
    w6 = {
        server: {"rounds": [_round(rates[server], *lookups.get(server, (None, None)))] * 2}
        for server in SERVERS
    }
    data = {
        "command": "python -m bench.side_by_side --workloads W6 --rates 10",
        "machine": {"cpu": "test"},
        "settings": {
            "rounds": 2,
            "duration": 10,
            "connections": 16,
            "threads": 1,
            "workers": 2,
            "picks": 200,
            "read_share": 0.2,
        },
        "sizes": {
            "S": {
                "counts": {
                    "school": 1,
                    "enrollment": 1000,
                    "lesson": 12320,
                    "mark": 67470,
                    "attendance": 15336,
                    "W1 bytes": 12202,
                },
                "build_seconds": None,
                "statements_per_request": {"W1": 13, "W2": 12},
                "peak_rss_mb": {server: 100.0 for server in SERVERS},
                "workloads": {},
                "w6": {"10": w6},
            }
        },
    }
    text = render(data)
    rows = {line.split(" | ")[1]: line for line in text.splitlines() if line.startswith("| 10 |")}
    assert rows["ediary"] == (
        "| 10 | ediary | 300 | 10.0 | 30.0 | 0 | 0.500 | 1.500 | 9.90 | 12 | 30.0% of 200 | - | - |"
    )
    # No lookups (the cache off), or no cache at all: no hit rate.
    assert rows["ediary-uncached"].endswith("| 0.167 | 0.500 | 9.90 | 12 | - | - | - |")
    assert rows["limit"].endswith("| 1.000 | 3.000 | 9.90 | 12 | - | - | - |")
    assert "| workload | server |" not in text  # only W6 was measured
    assert "20% of them for a student whose week a parent of the picks reads" in text


def test_reads_table_gives_cpu_per_request_where_it_was_measured() -> None:
    def read(requests: float, server_ms: float | None) -> dict[str, Any]:
        return {
            "requests_per_second": requests,
            "p50_ms": 10.0,
            "p99_ms": 30.0,
            "errors": 0,
            "requests": int(requests * 10),
            "server_cpu_ms": server_ms,
            "database_cpu_ms": None if server_ms is None else server_ms / 2,
        }

    cpu = {"ediary": [4.0, 2.0, 3.0], "limit": [0.5, 0.5, 0.5], "postgraphile": [None] * 3}
    w1 = {
        server: {"rounds": [read(100.0, ms) for ms in cpu.get(server, [1.0, 1.0, 1.0])]}
        for server in SERVERS
    }
    data = {
        "command": "python -m bench.side_by_side --workloads W1",
        "machine": {"cpu": "test"},
        "settings": {
            "rounds": 3,
            "duration": 10,
            "connections": 16,
            "threads": 1,
            "workers": 2,
            "picks": 200,
        },
        "sizes": {
            "S": {
                "counts": {
                    "school": 1,
                    "enrollment": 1000,
                    "lesson": 12320,
                    "mark": 67470,
                    "attendance": 15336,
                },
                "build_seconds": None,
                "statements_per_request": {"W1": 4, "W2": 4},
                "peak_rss_mb": {server: 100.0 for server in SERVERS},
                "workloads": {"W1": w1},
            }
        },
    }
    rows = {
        line.split(" | ")[1]: line
        for line in render(data).splitlines()
        if line.startswith("| W1 |")
    }
    # The median over the rounds; a run of an older version without the figures shows none.
    assert rows["ediary"].endswith("| 1.000 | 1.000 | 3.00 | 1.50 |")
    assert rows["limit"].endswith("| 0.50 | 0.25 |")
    assert rows["postgraphile"].endswith("| - | - |")
