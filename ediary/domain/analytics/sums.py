"""The makings of a weighted average, as SQL returns them for a group of marks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from tortoise.expressions import F, Function
from tortoise.functions import Count, Sum


@dataclass(frozen=True)
class MarkSums:
    """Sum of value times weight, sum of weights and number of marks of a group of marks."""

    weighted: int = 0
    weights: int = 0
    count: int = 0

    def __add__(self, other: MarkSums) -> MarkSums:
        return MarkSums(
            self.weighted + other.weighted, self.weights + other.weights, self.count + other.count
        )

    @property
    def average(self) -> Fraction | None:
        """The exact weighted average; None for an empty group, never a division by zero."""
        return Fraction(self.weighted, self.weights) if self.weights else None


def sum_columns() -> dict[str, Function]:
    """Annotations for `.annotate(**sum_columns())`, read back with `MarkSums.from_row`."""
    return {
        "sum_weighted": Sum(F("value") * F("weight")),
        "sum_weights": Sum("weight"),
        "mark_count": Count("id"),
    }


SUM_FIELDS = ("sum_weighted", "sum_weights", "mark_count")


def sums_from_row(row: Mapping[str, Any]) -> MarkSums:
    # Databases return sums as int, Decimal or None depending on the backend and the group.
    return MarkSums(
        int(row["sum_weighted"] or 0), int(row["sum_weights"] or 0), int(row["mark_count"] or 0)
    )
