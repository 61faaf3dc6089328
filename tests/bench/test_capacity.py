"""The capacity model: the fleet a region needs, from measured costs and stated assumptions."""

from __future__ import annotations

from typing import Any

import pytest

from bench.capacity import Costs, Region, fleet, measured_costs, peak_load, render


def _rounds(server_ms: float, database_ms: float) -> dict[str, Any]:
    row = {"requests_per_second": 100.0, "server_cpu_ms": server_ms}
    rounds = [{**row, "database_cpu_ms": database_ms}, {**row, "server_cpu_ms": server_ms * 3}]
    return {"rounds": [*rounds, {**rounds[0], "database_cpu_ms": None}]}


SMALL = Region(
    pupils=2400,
    opens_per_pupil=1,
    requests_per_open=3,
    evening_share=1,
    evening_hours=1,
    peak_factor=1,
    september_factor=2,
    pupils_per_teacher=12,
    journals_per_teacher=18,
)


def test_the_costs_are_the_medians_of_the_computed_answers() -> None:
    results = {
        "sizes": {
            "S": {
                "workloads": {
                    "W1": {"ediary-uncached": _rounds(4.0, 2.0), "ediary": _rounds(0.5, 0.1)},
                    "W2": {"ediary-uncached": _rounds(7.0, 3.0)},
                }
            }
        }
    }
    # Medians over the rounds that measured each figure.
    assert measured_costs(results, "S") == Costs(4.0, 2.0, 7.0, 3.0)


def test_a_run_without_cpu_figures_is_refused_with_what_to_do() -> None:
    old = {"rounds": [{"requests_per_second": 100.0}]}
    both = {"ediary-uncached": old}
    results = {"sizes": {"S": {"workloads": {"W1": both, "W2": both}}}}
    with pytest.raises(SystemExit, match="make bench"):
        measured_costs(results, "S")


def test_the_peak_and_the_fleet_follow_from_the_assumptions() -> None:
    # 2,400 pupils x 3 requests in one hour: 2 a second; 200 teachers x 18 journals: 1.
    assert peak_load(SMALL, september=False) == (2.0, 1.0)
    assert peak_load(SMALL, september=True) == (4.0, 2.0)
    costs = Costs(week_server=10, week_database=5, journal_server=100, journal_database=50)
    found = fleet(SMALL, costs, True, 0.5, 8, 16, 5)
    # (4 x 10 + 2 x 100) ms of CPU a second, kept at half of the cores.
    assert found.app_cores == pytest.approx(0.48)
    assert found.database_cores == pytest.approx(0.24)
    assert (found.app_nodes, found.replicas, found.connections) == (2, 1, 80)
    table = render(costs, {"September": found}, SMALL, "S")
    assert "| September | 4 | 2 | 0 | 2 | 0 | 1 | 80 |" in table


def test_a_large_region_needs_more_nodes_and_replicas() -> None:
    costs = Costs(week_server=5, week_database=2, journal_server=8, journal_database=3)
    found = fleet(Region(), costs, True, 0.6, 8, 16, 5)
    weeks, journals = peak_load(Region(), september=True)
    assert found.app_cores == pytest.approx((weeks * 5 + journals * 8) / 1000 / 0.6)
    assert found.app_nodes == -(-found.app_cores // 8)
    assert found.replicas == -(-found.database_cores // 16)
