"""Read throughput of the side-by-side benchmark without a replica and with one, each
PostgreSQL server held to the same CPU quota, so that the database is the bottleneck.

    .venv/bin/python -m bench.replica_reads [--quota 0.15] [--rounds 3] [--duration 10]
        [--workloads W1,W2]

A primary and a streaming replica are started on loopback (tests/replicas/cluster.py, from
the machine's PostgreSQL binaries) and the S data set is built on the primary. Then each server
goes into a cgroup (v1 `cpu` hierarchy, as root) of its own with `--quota` of a core: the
postmaster and the processes it has started, so every backend forked later is held to it too.
`bench.side_by_side` runs twice on that cluster with the same settings: without replicas, then
with the replica, on which both ediary servers read while the limit and PostGraphile stay on
the primary. Its figures go to bench/results/replicas-without.{json,md} and
replicas-with.{json,md}; the comparison to bench/results/replicas.md. The cgroups and the
cluster are removed at the end, also after a failure.

A quota on one machine is not a second machine: the servers still share the machine's caches,
memory bandwidth and loopback network, and the app servers and wrk run beside them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.gen import database_url, ensure
from bench.side_by_side import RESULTS, SERVERS, process_tree, replicas_caught_up
from tests.replicas.cluster import running_cluster

CGROUPS = Path("/sys/fs/cgroup/cpu")
PERIOD_US = 100_000
MAX_SHARES = 262_144
SIZE = "S"
SEED = 1
# The side-by-side run's database for SIZE, built here before any quota applies.
DATABASE = f"ediary_sbs_{SIZE.lower()}"
# Two ediary servers and the limit with two processes each, PostGraphile, wrk's 16
# connections and the replica's: more than the test cluster's 60 connections; and room for
# the S data set in memory, as the machine's own server has.
SETTINGS = """
max_connections = 200
shared_buffers = 256MB
"""
RUNS = {"without": "replicas-without", "with": "replicas-with"}


@dataclass(frozen=True)
class Throttling:
    """A cgroup's CFS figures over a run: the scheduler periods in which its processes ran,
    and those in which they used up the quota and waited."""

    periods: int
    throttled: int

    @property
    def share(self) -> float:
        return self.throttled / self.periods if self.periods else 0.0


@contextlib.contextmanager
def cpu_quota(name: str, postmaster: int, cores: float) -> Iterator[Path]:
    """A cgroup holding a PostgreSQL server (its postmaster and every process it has started)
    to `cores` of CPU time; its processes go back to the root group and it is removed on
    exit."""
    group = CGROUPS / name
    group.mkdir()
    try:
        (group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
        (group / "cpu.cfs_quota_us").write_text(str(round(cores * PERIOD_US)))
        # The quota is a ceiling only: with the weight of the whole machine, the server gets
        # its quota whenever it asks, however busy the rest of the machine is, as it would on
        # a machine of its own.
        (group / "cpu.shares").write_text(str(MAX_SHARES))
        # The postmaster first: a process it forks meanwhile is born in the group.
        for pid in process_tree(postmaster):
            with contextlib.suppress(ProcessLookupError):
                (group / "cgroup.procs").write_text(str(pid))
        yield group
    finally:
        for task in (group / "cgroup.procs").read_text().split():
            with contextlib.suppress(ProcessLookupError):
                (CGROUPS / "cgroup.procs").write_text(task)
        group.rmdir()


def cpu_stat(group: Path) -> dict[str, int]:
    lines = (group / "cpu.stat").read_text().splitlines()
    return {key: int(value) for key, value in (line.split() for line in lines)}


def side_by_side(args: argparse.Namespace, server: str, replica: str | None) -> None:
    command = [sys.executable, "-m", "bench.side_by_side", "--sizes", SIZE, "--no-profile"]
    command += ["--server", server, "--workloads", args.workloads, "--seed", str(SEED)]
    command += ["--rounds", str(args.rounds), "--duration", str(args.duration)]
    if replica is None:
        command += ["--results-name", RUNS["without"]]
    else:
        command += ["--replicas", replica, "--results-name", RUNS["with"]]
    subprocess.run(command, check=True)


def _medians(data: dict[str, Any], key: str) -> dict[tuple[str, str], float | None]:
    found: dict[tuple[str, str], float | None] = {}
    for workload, servers in data["sizes"][SIZE]["workloads"].items():
        for server, runs in servers.items():
            values = [r[key] for r in runs["rounds"] if r.get(key) is not None]
            found[workload, server] = statistics.median(values) if values else None
    return found


def _ms(value: float | None) -> str:
    return f"{value:.2f}" if value is not None else "?"


def render(
    args: argparse.Namespace,
    command: str,
    runs: dict[str, dict[str, Any]],
    throttling: dict[str, dict[str, Throttling]],
) -> str:
    speed = {label: _medians(data, "requests_per_second") for label, data in runs.items()}
    cpu = {label: _medians(data, "database_cpu_ms") for label, data in runs.items()}
    quota = f"{args.quota:g} of a core ({round(args.quota * PERIOD_US)} µs every {PERIOD_US} µs)"
    lines = [
        "# Reads with one replica, the database held to a CPU quota",
        "",
        f"Command: `{command}`",
        "",
        f"`bench.side_by_side` at size {SIZE}, twice on the same data with the same settings: "
        "without replicas, then with one streaming replica on which both ediary servers read "
        "(`EDIARY_DATABASE_REPLICA_URLS`); the limit and PostGraphile read on the primary in "
        f"both runs, so their change is the run-to-run noise. Each PostgreSQL server, primary "
        f"and replica, was held to {quota} by a cgroup (v1 `cpu`, CFS quota) holding its "
        "postmaster and every process it forked, with the largest CPU weight (`cpu.shares`), "
        "so that it gets its quota however busy the rest of the machine is: the database is "
        "the bottleneck, and a replica adds database CPU as a machine of its own would. "
        "The full runs: "
        f"[without]({RUNS['without']}.md), [with]({RUNS['with']}.md).",
        "",
        "This emulates database servers on machines of their own; it is not that. Both servers "
        "and their quotas are on one two-core machine, beside the four app servers and wrk: "
        "they share its caches, memory bandwidth and loopback network, and the app servers "
        "compete with them for the cores the quotas leave. The quota limits CPU time only; "
        "disk reads do not matter here (the data set fits in shared buffers), and the cluster "
        "runs with `fsync = off`, which only writes would feel.",
        "",
        "| machine | |",
        "|---|---|",
        *(f"| {key} | {value} |" for key, value in runs["with"]["machine"].items()),
        "",
        "Requests per second are medians over the rounds; the ratio is with / without. "
        "Primary CPU is the primary's PostgreSQL CPU time per request (its backends connected "
        "to the benchmark's database, from /proc), without and with the replica. With the "
        "replica, ediary still reads the session and charges the hourly budget on the primary "
        "(what its primary CPU keeps), so the replica takes over only the rest of each "
        "request's database work while the primary still does a part of every request's.",
        "",
        "| workload | server | requests/s without replica | with one replica | ratio "
        "| primary CPU ms without | with |",
        "|---|---|---|---|---|---|---|",
    ]
    for workload in args.workloads.split(","):
        for server in SERVERS:
            without = speed["without"].get((workload, server))
            with_ = speed["with"].get((workload, server))
            if without is None or with_ is None:
                continue
            spent = [_ms(cpu[label][workload, server]) for label in RUNS]
            lines.append(
                f"| {workload} | {server} | {without:.0f} | {with_:.0f} | {with_ / without:.2f} "
                f"| {spent[0]} | {spent[1]} |"
            )
    lines += [
        "",
        "How often each server used up its quota: the share of the scheduler's 100 ms periods "
        "in which its processes ran and were throttled, over the whole run (answer checks and "
        "warm-up included).",
        "",
        "| run | primary | replica |",
        "|---|---|---|",
    ]
    for label, groups in throttling.items():
        cells = " | ".join(
            f"{groups[g].share:.0%} of {groups[g].periods} periods" for g in ("primary", "replica")
        )
        lines.append(f"| {label} replica | {cells} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quota", type=float, default=0.15, help="CPU of each PostgreSQL server, in cores"
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds per measurement")
    parser.add_argument("--workloads", default="W1,W2", help="of W1, W2 (read-only)")
    args = parser.parse_args()
    if not 0 < args.quota <= (os.cpu_count() or 1):
        raise SystemExit("--quota is a share of the machine's cores, above 0")
    if os.geteuid() != 0 or not (CGROUPS / "cgroup.procs").exists():
        raise SystemExit(f"needs root and the cgroup v1 cpu hierarchy at {CGROUPS}")
    command = "python -m bench.replica_reads " + " ".join(sys.argv[1:])
    runs: dict[str, dict[str, Any]] = {}
    throttling: dict[str, dict[str, Throttling]] = {}
    with running_cluster(SETTINGS, bouncer=False) as cluster:
        server = cluster.url(cluster.primary_port, "postgres")
        replica = cluster.url(cluster.replica_port, "postgres")
        url, _ = asyncio.run(ensure(server, DATABASE, SIZE, SEED))
        asyncio.run(replicas_caught_up(url, (database_url(replica, DATABASE),)))
        tag = os.getpid()
        with (
            cpu_quota(
                f"ediary-bench-primary-{tag}", cluster.postmaster_pid("primary"), args.quota
            ) as primary,
            cpu_quota(
                f"ediary-bench-replica-{tag}", cluster.postmaster_pid("replica"), args.quota
            ) as standby,
        ):
            for label, reads_on in (("without", None), ("with", replica)):
                before = {"primary": cpu_stat(primary), "replica": cpu_stat(standby)}
                side_by_side(args, server, reads_on)
                after = {"primary": cpu_stat(primary), "replica": cpu_stat(standby)}
                throttling[label] = {
                    name: Throttling(
                        after[name]["nr_periods"] - before[name]["nr_periods"],
                        after[name]["nr_throttled"] - before[name]["nr_throttled"],
                    )
                    for name in before
                }
                runs[label] = json.loads((RESULTS / f"{RUNS[label]}.json").read_text())
    text = render(args, command.strip(), runs, throttling)
    (RESULTS / "replicas.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
