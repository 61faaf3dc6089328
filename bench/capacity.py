"""How many app cores, database cores and replicas a region needs at its peak, from the CPU
per request the side-by-side run measured and from stated assumptions about the region.

    .venv/bin/python -m bench.capacity [--results bench/results/side-by-side.json]
        [--size S] [--pupils 1400000] [--september] [...]

Prints the table `docs/scaling.md` shows. Every assumption is an option with its default in
the help, so the table can be re-run when the figures or the assumptions change.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results" / "side-by-side.json"


@dataclass(frozen=True)
class Region:
    """What a region's evening looks like; the defaults are a city the size of Moscow."""

    pupils: int = 1_400_000
    # Family opens of the diary per pupil on a school day (parents and the pupil together).
    opens_per_pupil: float = 1.5
    # Requests per open, each costed as a computed week (W1): the week and now and then the
    # next or last one (1.5), then news, messages and notifications (3.5), which read less.
    requests_per_open: float = 5.0
    # Share of the day's opens that fall in the two evening hours, and those hours' length.
    evening_share: float = 0.5
    evening_hours: float = 2.0
    # The busiest minute of the evening against the evening's average.
    peak_factor: float = 1.5
    # The first school days: everybody opens, several times (the article's September).
    september_factor: float = 3.0
    # Teachers, and the class journals (W2) each opens in the evening.
    pupils_per_teacher: float = 12.0
    journals_per_teacher: float = 2.0


@dataclass(frozen=True)
class Costs:
    """CPU milliseconds per request, as measured: the server's and PostgreSQL's."""

    week_server: float
    week_database: float
    journal_server: float
    journal_database: float


@dataclass(frozen=True)
class Fleet:
    """What it takes to serve a load with CPUs kept at `utilisation`."""

    weeks_per_second: float
    journals_per_second: float
    app_cores: float
    database_cores: float
    app_nodes: int
    replicas: int
    connections: int


def _median(rounds: list[dict[str, Any]], key: str) -> float:
    values = [r[key] for r in rounds if r.get(key) is not None]
    if not values:
        raise SystemExit(
            f"the results have no {key}: run `make bench` with this version of bench/ first"
        )
    return statistics.median(values)


def measured_costs(results: dict[str, Any], size: str) -> Costs:
    """The computed answers' costs (the cache off): most parents open a week once, after it
    changed, so at a region's peak the cache cannot be counted on."""
    workloads = results["sizes"][size]["workloads"]
    week, journal = workloads["W1"]["ediary-uncached"], workloads["W2"]["ediary-uncached"]
    return Costs(
        _median(week["rounds"], "server_cpu_ms"),
        _median(week["rounds"], "database_cpu_ms"),
        _median(journal["rounds"], "server_cpu_ms"),
        _median(journal["rounds"], "database_cpu_ms"),
    )


def peak_load(region: Region, september: bool) -> tuple[float, float]:
    """Family requests (costed as weeks) and class journals per second in the busiest minute
    of the evening."""
    evening = region.evening_hours * 3600
    factor = region.peak_factor * (region.september_factor if september else 1.0)
    weeks = region.pupils * region.opens_per_pupil * region.requests_per_open
    weeks_per_second = weeks * region.evening_share / evening * factor
    teachers = region.pupils / region.pupils_per_teacher
    journals_per_second = teachers * region.journals_per_teacher / evening * factor
    return weeks_per_second, journals_per_second


def fleet(
    region: Region,
    costs: Costs,
    september: bool,
    utilisation: float,
    cores_per_node: int,
    cores_per_replica: int,
    connections_per_core: int,
) -> Fleet:
    weeks, journals = peak_load(region, september)
    app = (weeks * costs.week_server + journals * costs.journal_server) / 1000 / utilisation
    database = (weeks * costs.week_database + journals * costs.journal_database) / 1000
    database /= utilisation
    # Reads go to replicas. The primary keeps the writes and the reads of sessions that have
    # just written (a small share at evening mark rates): a machine the size of a replica.
    replicas = max(1, math.ceil(database / cores_per_replica))
    nodes = max(2, math.ceil(app / cores_per_node))  # two at least: one may be down
    return Fleet(
        weeks,
        journals,
        app,
        database,
        nodes,
        replicas,
        nodes * cores_per_node * connections_per_core,
    )


def render(costs: Costs, fleets: dict[str, Fleet], region: Region, size: str) -> str:
    lines = [
        f"Measured at size {size} (CPU ms per computed request, server / PostgreSQL): "
        f"week {costs.week_server:.2f} / {costs.week_database:.2f}, "
        f"journal {costs.journal_server:.2f} / {costs.journal_database:.2f}.",
        f"Region: {region.pupils:,} pupils, {region.pupils / region.pupils_per_teacher:,.0f} "
        "teachers.",
        "",
        "| evening | family requests/s | journals/s | app cores | app nodes | database cores | "
        "replicas | connections |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, found in fleets.items():
        lines.append(
            f"| {name} | {found.weeks_per_second:,.0f} | {found.journals_per_second:,.0f} "
            f"| {found.app_cores:,.0f} | {found.app_nodes} | {found.database_cores:,.0f} "
            f"| {found.replicas} | {found.connections:,} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--size", default="S", help="which size's figures to use")
    defaults = Region()
    for name, value in vars(defaults).items():
        parser.add_argument(
            f"--{name.replace('_', '-')}",
            type=type(value),
            default=value,
            help=f"default {value}",
        )
    parser.add_argument("--utilisation", type=float, default=0.6, help="CPU kept busy at most")
    parser.add_argument("--cores-per-node", type=int, default=8)
    parser.add_argument("--cores-per-replica", type=int, default=16)
    parser.add_argument(
        "--connections-per-core",
        type=int,
        default=5,
        help="database connections per app core (one worker per core, its pool's size)",
    )
    args = parser.parse_args()
    region = Region(**{name: getattr(args, name) for name in vars(defaults)})
    costs = measured_costs(json.loads(args.results.read_text()), args.size)
    shape = (args.utilisation, args.cores_per_node, args.cores_per_replica)
    fleets = {
        "school day": fleet(region, costs, False, *shape, args.connections_per_core),
        "September": fleet(region, costs, True, *shape, args.connections_per_core),
    }
    print(render(costs, fleets, region, args.size))


if __name__ == "__main__":
    main()
