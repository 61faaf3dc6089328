"""Mark arithmetic: weighted averages, term marks, "what do I need" plans and class indicators.

Pure and exact: every average is a Fraction, so rounding is decided by policy, not by floats.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from ediary.domain.enums import WorkKind

__all__ = [
    "DEFAULT_POLICY",
    "DEFAULT_WEIGHTS",
    "ClassIndicators",
    "MarkScale",
    "MarksPlan",
    "RegionPolicy",
    "YearBasis",
    "class_indicators",
    "display_average",
    "marks_needed",
    "term_mark",
    "term_mark_of_sums",
    "weighted_average",
]


@dataclass(frozen=True)
class MarkScale:
    """The marks a region allows and the thresholds its statistics use."""

    minimum: int = 1
    maximum: int = 5
    passing: int = 3
    good: int = 4

    def __post_init__(self) -> None:
        """Reject scales whose thresholds are out of order."""
        if not self.minimum <= self.passing <= self.good <= self.maximum:
            raise ValueError(f"need minimum <= passing <= good <= maximum, got {self!r}")

    def contains(self, value: int) -> bool:
        """Whether `value` is a mark on this scale."""
        return self.minimum <= value <= self.maximum

    @property
    def values(self) -> range:
        """All marks of the scale, lowest first."""
        return range(self.minimum, self.maximum + 1)


DEFAULT_WEIGHTS: Mapping[WorkKind, int] = MappingProxyType(
    {
        WorkKind.ORAL: 1,
        WorkKind.CLASSWORK: 1,
        WorkKind.HOMEWORK: 1,
        WorkKind.QUIZ: 2,
        WorkKind.DICTATION: 2,
        WorkKind.LAB: 2,
        WorkKind.ESSAY: 2,
        WorkKind.TEST: 3,
        WorkKind.EXAM: 3,
    }
)


def _default_weights() -> Mapping[WorkKind, int]:
    """A fresh read-only copy of the default weights."""
    return MappingProxyType(dict(DEFAULT_WEIGHTS))


class YearBasis(StrEnum):
    """What the year average of a subject is taken over."""

    # The weighted average of every mark of the year, as if the year were one long term.
    ALL_MARKS = "all_marks"
    # The plain mean of the term marks (the given ones, else the forecast from each term).
    TERM_MARKS = "term_marks"


@dataclass(frozen=True)
class RegionPolicy:
    """Regional grading rules; a region plugin returns one of these."""

    code: str = "default"
    scale: MarkScale = MarkScale()
    # hash=False: a mapping is unhashable; equal policies still hash equal without it.
    weights: Mapping[WorkKind, int] = field(default_factory=_default_weights, hash=False)
    max_weight: int = 5
    round_up_from: Fraction = Fraction(1, 2)
    parent_lookback_days: int | None = None
    # Kinds of work whose marks count towards averages; None counts every kind.
    counted_kinds: frozenset[WorkKind] | None = None
    year_basis: YearBasis = YearBasis.ALL_MARKS
    # How many days ahead of today a mark may be dated (0: today at the latest).
    mark_days_ahead: int = 0

    def __post_init__(self) -> None:
        """Fill kinds a plugin left out from the defaults, freeze the mapping and validate."""
        merged = {**DEFAULT_WEIGHTS, **self.weights}
        object.__setattr__(self, "weights", MappingProxyType(merged))
        if self.max_weight < 1:
            raise ValueError(f"max_weight must be >= 1, got {self.max_weight}")
        for kind, weight in merged.items():
            if not 1 <= weight <= self.max_weight:
                raise ValueError(f"weight for {kind} must be in 1..{self.max_weight}, got {weight}")
        # 0 would round every fraction up; 1 means "never round up" and is allowed.
        if not 0 < self.round_up_from <= 1:
            raise ValueError(f"round_up_from must be in (0, 1], got {self.round_up_from}")
        if self.parent_lookback_days is not None and self.parent_lookback_days < 0:
            raise ValueError("parent_lookback_days must be >= 0 or None")
        if self.counted_kinds is not None and not self.counted_kinds:
            raise ValueError("counted_kinds must name at least one kind, or be None for all")
        if self.mark_days_ahead < 0:
            raise ValueError(f"mark_days_ahead must be >= 0, got {self.mark_days_ahead}")

    def counts(self, kind: WorkKind) -> bool:
        """Whether a mark for this kind of work counts towards averages."""
        return self.counted_kinds is None or kind in self.counted_kinds

    def weight_for(self, kind: WorkKind) -> int:
        """The default weight of a mark for this kind of work."""
        return self.weights[kind]


DEFAULT_POLICY: RegionPolicy = RegionPolicy()


def weighted_average(marks: Iterable[tuple[int, int]]) -> Fraction | None:
    """Exact sum(value*weight)/sum(weight) of (value, weight) pairs; None when there are none."""
    total = 0
    total_weight = 0
    for value, weight in marks:
        if weight <= 0:
            raise ValueError(f"mark weight must be positive, got {weight}")
        total += value * weight
        total_weight += weight
    if total_weight == 0:
        return None
    return Fraction(total, total_weight)


def display_average(average: Fraction | None, places: int = 2) -> Decimal | None:
    """The average rounded half-up to `places` decimals (ties away from zero: school rounding,
    not banker's), computed exactly without floats."""
    if average is None:
        return None
    if places < 0:
        raise ValueError(f"places must be >= 0, got {places}")
    # Half-up of |n/d| * 10**places is floor((2 |n| 10**places + d) / 2d): integers only,
    # a journal shows one average per student.
    numerator, denominator = average.numerator, average.denominator
    magnitude = (2 * abs(numerator) * 10**places + denominator) // (2 * denominator)
    digits = tuple(int(d) for d in str(magnitude))
    return Decimal((1 if numerator < 0 and magnitude else 0, digits, -places))


def term_mark(average: Fraction | None, policy: RegionPolicy = DEFAULT_POLICY) -> int | None:
    """The term mark for an average under the policy's rounding, clamped into its scale."""
    if average is None:
        return None
    whole = math.floor(average)
    mark = whole + 1 if average - whole >= policy.round_up_from else whole
    return max(policy.scale.minimum, min(policy.scale.maximum, mark))


def term_mark_of_sums(
    weighted: int, weights: int, policy: RegionPolicy = DEFAULT_POLICY
) -> int | None:
    """`term_mark(Fraction(weighted, weights), policy)` in integer arithmetic.

    The same mark, without building a Fraction: reports round thousands of averages.
    """
    if weights == 0:
        return None
    if weights < 0:
        raise ValueError(f"the sum of weights must be positive, got {weights}")
    whole, rest = divmod(weighted, weights)
    # rest / weights >= p / q  <=>  rest * q >= p * weights, all positive integers.
    threshold = policy.round_up_from
    mark = whole + 1 if rest * threshold.denominator >= threshold.numerator * weights else whole
    return max(policy.scale.minimum, min(policy.scale.maximum, mark))


@dataclass(frozen=True)
class MarksPlan:
    """One way to reach a target: `count` more marks of `value`, each with `weight`."""

    value: int
    weight: int
    count: int


def marks_needed(
    marks: Sequence[tuple[int, int]],
    target: int,
    policy: RegionPolicy = DEFAULT_POLICY,
    *,
    weights: Iterable[int] | None = None,
    value: int | None = None,
    limit: int | None = None,
) -> list[MarksPlan]:
    """Per weight, the fewest further marks of `value` after which the term mark is >= target."""
    scale = policy.scale
    if not scale.contains(target):
        raise ValueError(f"target {target} is outside the scale {scale.minimum}..{scale.maximum}")
    mark_value = scale.maximum if value is None else value
    if not scale.contains(mark_value):
        raise ValueError(
            f"value {mark_value} is outside the scale {scale.minimum}..{scale.maximum}"
        )
    if limit is not None and limit < 0:
        raise ValueError(f"limit must be >= 0, got {limit}")
    candidates = sorted(set(policy.weights.values()) if weights is None else set(weights))
    for weight in candidates:
        if not 1 <= weight <= policy.max_weight:
            raise ValueError(f"weight must be in 1..{policy.max_weight}, got {weight}")

    current = term_mark(weighted_average(marks), policy)
    if current is not None and current >= target:
        return []

    # term_mark(a) >= target  <=>  a >= target - 1 + round_up_from (for a target above the
    # minimum; at the minimum any mark reaches it, and then `current` above already did).
    threshold = target - 1 + policy.round_up_from
    total = sum(v * w for v, w in marks)
    total_weight = sum(w for _, w in marks)
    # Adding k marks of (value x, weight u): (S + k*u*x) / (W + k*u) >= T
    #   <=>  k*u*(x - T) >= T*W - S  =: deficit  (> 0 here unless there are no marks yet).
    deficit = threshold * total_weight - total
    plans: list[MarksPlan] = []
    for weight in candidates:
        gain = weight * (mark_value - threshold)
        if gain > 0:
            count = max(1, math.ceil(deficit / gain))
        elif gain == 0 and deficit <= 0:
            count = 1  # no marks yet and `value` sits exactly on the threshold
        else:
            continue  # `value` is below the threshold: no number of such marks is enough
        if limit is not None and count > limit:
            continue
        plans.append(MarksPlan(value=mark_value, weight=weight, count=count))
    plans.sort(key=lambda plan: (plan.count, plan.weight))
    return plans


@dataclass(frozen=True)
class ClassIndicators:
    """School statistics for a group: success rate, quality of knowledge and SOU, as shares."""

    students: int
    success_rate: Fraction | None
    quality: Fraction | None
    sou: Fraction | None


# Degree of learning (SOU) coefficient per mark; only defined for the 1..5 scale.
_SOU_COEFFICIENTS: Mapping[int, Fraction] = MappingProxyType(
    {
        5: Fraction(100, 100),
        4: Fraction(64, 100),
        3: Fraction(36, 100),
        2: Fraction(16, 100),
        1: Fraction(8, 100),
    }
)


def class_indicators(
    term_marks: Iterable[int | None], policy: RegionPolicy = DEFAULT_POLICY
) -> ClassIndicators:
    """Success rate, quality and SOU over the graded final marks; None marks are excluded."""
    scale = policy.scale
    graded = [mark for mark in term_marks if mark is not None]
    for mark in graded:
        if not scale.contains(mark):
            raise ValueError(f"mark {mark} is outside the scale {scale.minimum}..{scale.maximum}")
    n = len(graded)
    if n == 0:
        return ClassIndicators(students=0, success_rate=None, quality=None, sou=None)
    passed = sum(1 for mark in graded if mark >= scale.passing)
    good = sum(1 for mark in graded if mark >= scale.good)
    sou: Fraction | None = None
    if (scale.minimum, scale.maximum) == (1, 5):
        # Count first: five Fraction products instead of one addition per mark, which
        # matters for a school report over thousands of term marks.
        counts = Counter(graded)
        sou = sum((_SOU_COEFFICIENTS[m] * c for m, c in counts.items()), Fraction(0)) / n
    return ClassIndicators(
        students=n,
        success_rate=Fraction(passed, n),
        quality=Fraction(good, n),
        sou=sou,
    )
