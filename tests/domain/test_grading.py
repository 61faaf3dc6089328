"""Tests for grading arithmetic: worked examples and property tests against plain references."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ediary.domain.enums import WorkKind
from ediary.domain.grading import (
    DEFAULT_POLICY,
    ClassIndicators,
    MarkScale,
    MarksPlan,
    RegionPolicy,
    class_indicators,
    display_average,
    marks_needed,
    term_mark,
    weighted_average,
)
from tests.domain.reference_grading import ref_average, ref_term_mark

STRICT = RegionPolicy(code="strict", round_up_from=Fraction(3, 5))

marks_lists = st.lists(
    st.tuples(st.integers(min_value=1, max_value=5), st.integers(min_value=1, max_value=5)),
    max_size=30,
)
# Tenths only, so the plain Decimal reference represents the threshold exactly.
round_up_fractions = st.integers(min_value=1, max_value=10).map(lambda k: Fraction(k, 10))


# --- plain references: Decimal with high precision and loops, no Fraction cleverness -------------


def ref_display(average: Decimal | None, places: int) -> Decimal | None:
    """Decimal's own ROUND_HALF_UP quantize."""
    if average is None:
        return None
    return average.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def apply(marks: list[tuple[int, int]], plan: MarksPlan, count: int) -> list[tuple[int, int]]:
    """The marks after `count` more marks of the plan's value and weight."""
    return list(marks) + [(plan.value, plan.weight)] * count


def reached(marks: list[tuple[int, int]], target: int, policy: RegionPolicy) -> bool:
    """Whether the term mark of `marks` is at least `target`."""
    mark = term_mark(weighted_average(marks), policy)
    return mark is not None and mark >= target


# --- worked examples ------------------------------------------------------------------------------


def test_worked_example_default_policy() -> None:
    # (5*1 + 4*1 + 3*2) / (1 + 1 + 2) = 15/4 = 3.75 -> fractional part .75 >= .5 -> 4
    marks = [(5, 1), (4, 1), (3, 2)]
    average = weighted_average(marks)
    assert average == Fraction(15, 4)
    assert display_average(average) == Decimal("3.75")
    assert str(display_average(average)) == "3.75"
    assert term_mark(average) == 4


def test_round_up_from_three_fifths() -> None:
    assert term_mark(Fraction(9, 2), STRICT) == 4  # 4.5: .5 < .6
    assert term_mark(Fraction(23, 5), STRICT) == 5  # 4.6: .6 >= .6
    assert term_mark(Fraction(9, 2)) == 5  # default policy: 4.5 -> 5
    assert term_mark(Fraction(449, 100)) == 4


def test_term_mark_clamps_and_none() -> None:
    assert term_mark(None) is None
    assert term_mark(Fraction(6)) == 5
    assert term_mark(Fraction(0)) == 1
    never_up = RegionPolicy(round_up_from=Fraction(1))
    assert term_mark(Fraction(499, 100), never_up) == 4


def test_weighted_average_edge_cases() -> None:
    assert weighted_average([]) is None
    assert weighted_average([(4, 3)]) == Fraction(4)
    with pytest.raises(ValueError):
        weighted_average([(5, 0)])
    with pytest.raises(ValueError):
        weighted_average([(5, 1), (4, -1)])


def test_display_average_half_up_and_places() -> None:
    assert display_average(None) is None
    assert display_average(Fraction(2, 3)) == Decimal("0.67")
    assert display_average(Fraction(1, 8)) == Decimal("0.13")  # 0.125 rounds up, not to even
    assert display_average(Fraction(4)) == Decimal("4.00")
    assert str(display_average(Fraction(4))) == "4.00"
    assert display_average(Fraction(7, 2), places=0) == Decimal("4")
    assert display_average(Fraction(-1, 8)) == Decimal("-0.13")
    with pytest.raises(ValueError):
        display_average(Fraction(1), places=-1)


def test_scale_and_policy() -> None:
    scale = MarkScale()
    assert scale.values == range(1, 6)
    assert scale.contains(1) and scale.contains(5)
    assert not scale.contains(0) and not scale.contains(6)
    assert DEFAULT_POLICY.weight_for(WorkKind.ORAL) == 1
    assert DEFAULT_POLICY.weight_for(WorkKind.QUIZ) == 2
    assert DEFAULT_POLICY.weight_for(WorkKind.EXAM) == 3
    assert set(DEFAULT_POLICY.weights) == set(WorkKind)
    with pytest.raises(TypeError):
        DEFAULT_POLICY.weights[WorkKind.ORAL] = 5  # type: ignore[index]
    # A plugin may override some kinds; the rest keep their defaults.
    custom = RegionPolicy(code="x", weights={WorkKind.TEST: 4})
    assert custom.weight_for(WorkKind.TEST) == 4
    assert custom.weight_for(WorkKind.ORAL) == 1
    assert hash(custom) == hash(RegionPolicy(code="x", weights={WorkKind.TEST: 4}))
    with pytest.raises(ValueError):
        RegionPolicy(weights={WorkKind.TEST: 6})
    with pytest.raises(ValueError):
        RegionPolicy(round_up_from=Fraction(0))
    with pytest.raises(ValueError):
        MarkScale(passing=5, good=4)
    # Marks may be dated some days ahead, never before today's limit.
    assert RegionPolicy(mark_days_ahead=3).mark_days_ahead == 3
    with pytest.raises(ValueError, match="mark_days_ahead"):
        RegionPolicy(mark_days_ahead=-1)


# --- property tests -------------------------------------------------------------------------------


@given(marks_lists, round_up_fractions)
def test_average_and_term_mark_match_reference(
    marks: list[tuple[int, int]], round_up_from: Fraction
) -> None:
    policy = RegionPolicy(round_up_from=round_up_from)
    average = weighted_average(marks)
    expected = ref_average(marks)
    if expected is None:
        assert average is None
    else:
        assert average is not None
        with localcontext() as ctx:
            ctx.prec = 60
            assert Decimal(average.numerator) / Decimal(average.denominator) == expected
    assert term_mark(average, policy) == ref_term_mark(expected, round_up_from, policy.scale)


@given(marks_lists, st.integers(min_value=0, max_value=4))
def test_display_average_matches_reference(marks: list[tuple[int, int]], places: int) -> None:
    assert display_average(weighted_average(marks), places) == ref_display(
        ref_average(marks), places
    )


# --- marks_needed ---------------------------------------------------------------------------------


def test_marks_needed_worked_example() -> None:
    # Marks 4, 4, 3 (weight 1): S = 11, W = 3, average 11/3 ~ 3.67 -> term mark 4.
    # A 5 needs average >= 4.5. Adding k fives of weight u: (11 + 5ku) / (3 + ku) >= 4.5
    #   <=> 0.5ku >= 2.5 <=> ku >= 5.
    #   u = 1: k = 5 (36/8 = 4.5; with 4: 31/7 ~ 4.43)
    #   u = 2: k = 3 (41/9 ~ 4.56; with 2: 31/7 ~ 4.43)
    #   u = 3: k = 2 (41/9 ~ 4.56; with 1: 26/6 ~ 4.33)
    marks = [(4, 1), (4, 1), (3, 1)]
    assert marks_needed(marks, 5) == [
        MarksPlan(value=5, weight=3, count=2),
        MarksPlan(value=5, weight=2, count=3),
        MarksPlan(value=5, weight=1, count=5),
    ]
    # Under the 3/5 rule a 5 needs average >= 4.6: 0.4ku >= 13.8 - 11 = 2.8 <=> ku >= 7.
    #   u = 1: 7, u = 2: 4, u = 3: 3.
    assert marks_needed(marks, 5, STRICT) == [
        MarksPlan(value=5, weight=3, count=3),
        MarksPlan(value=5, weight=2, count=4),
        MarksPlan(value=5, weight=1, count=7),
    ]


def test_marks_needed_already_reached() -> None:
    assert marks_needed([(4, 1), (4, 1), (3, 1)], 4) == []
    assert marks_needed([(5, 1)], 5) == []
    assert marks_needed([(2, 1)], 1) == []  # any graded student has at least the minimum


def test_marks_needed_no_marks_yet() -> None:
    assert marks_needed([], 5, weights=[2]) == [MarksPlan(value=5, weight=2, count=1)]
    # A single 4 gives 4.0, which is a 4 (threshold 3.5) but not a 5 (threshold 4.5).
    assert marks_needed([], 4, value=4, weights=[1]) == [MarksPlan(value=4, weight=1, count=1)]
    assert marks_needed([], 5, value=4) == []


def test_marks_needed_unreachable_is_excluded() -> None:
    # Fours can never lift the average to 4.5, whatever their weight.
    assert marks_needed([(4, 1), (3, 1)], 5, value=4) == []
    # Under "never round up" a 5 needs an average of exactly 5: impossible after a 4.
    never_up = RegionPolicy(round_up_from=Fraction(1))
    assert marks_needed([(4, 1)], 5, never_up) == []


def test_marks_needed_limit_and_weights() -> None:
    marks = [(4, 1), (4, 1), (3, 1)]
    assert marks_needed(marks, 5, limit=3) == [
        MarksPlan(value=5, weight=3, count=2),
        MarksPlan(value=5, weight=2, count=3),
    ]
    assert marks_needed(marks, 5, limit=1) == []
    # Explicit weights (duplicates collapse); fours to lift marks 2, 2 to a 4:
    # (4 + 4ku) / (2 + ku) >= 3.5 <=> 0.5ku >= 3 <=> ku >= 6: u = 1 -> 6, u = 5 -> 2.
    assert marks_needed([(2, 1), (2, 1)], 4, value=4, weights=[5, 1, 5]) == [
        MarksPlan(value=4, weight=5, count=2),
        MarksPlan(value=4, weight=1, count=6),
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {"target": 6},
        {"target": 0},
        {"target": 5, "value": 6},
        {"target": 5, "value": 0},
        {"target": 5, "weights": [0]},
        {"target": 5, "weights": [6]},
        {"target": 5, "limit": -1},
    ],
)
def test_marks_needed_rejects_bad_arguments(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        marks_needed([(3, 1)], **kwargs)  # type: ignore[arg-type]


LOOP_BOUND = 300


@given(
    marks_lists,
    st.integers(min_value=1, max_value=5),
    st.integers(min_value=1, max_value=5),
    round_up_fractions,
    st.one_of(st.none(), st.integers(min_value=0, max_value=20)),
)
def test_marks_needed_matches_loop(
    marks: list[tuple[int, int]],
    target: int,
    value: int,
    round_up_from: Fraction,
    limit: int | None,
) -> None:
    policy = RegionPolicy(round_up_from=round_up_from)
    plans = marks_needed(marks, target, policy, value=value, weights=range(1, 6), limit=limit)
    if reached(marks, target, policy):
        assert plans == []
        return
    by_weight = {plan.weight: plan for plan in plans}
    assert plans == sorted(plans, key=lambda plan: (plan.count, plan.weight))
    for weight in range(1, 6):
        # Plain loop: the first count (up to a bound) after which the target is reached.
        found = None
        for count in range(1, LOOP_BOUND + 1):
            if reached(marks + [(value, weight)] * count, target, policy):
                found = count
                break
        plan = by_weight.get(weight)
        if plan is None:
            assert found is None or (limit is not None and found > limit)
        else:
            assert plan.value == value
            assert reached(apply(marks, plan, plan.count), target, policy)
            assert not reached(apply(marks, plan, plan.count - 1), target, policy)
            assert limit is None or plan.count <= limit
            if plan.count <= LOOP_BOUND:
                assert found == plan.count
            else:
                assert found is None


# --- class_indicators -----------------------------------------------------------------------------


def test_class_indicators_small_group() -> None:
    # Graded: 5, 4, 4, 3, 2 (the None is not graded), n = 5.
    #   success (>= 3): 5, 4, 4, 3 -> 4/5;  quality (>= 4): 5, 4, 4 -> 3/5
    #   SOU = (1.00*1 + 0.64*2 + 0.36*1 + 0.16*1 + 0.08*0) / 5 = 2.80 / 5 = 0.56 = 14/25
    result = class_indicators([5, 4, None, 4, 3, 2])
    assert result == ClassIndicators(
        students=5,
        success_rate=Fraction(4, 5),
        quality=Fraction(3, 5),
        sou=Fraction(14, 25),
    )
    # All ones: SOU 0.08, nobody passes.
    assert class_indicators([1, 1]) == ClassIndicators(2, Fraction(0), Fraction(0), Fraction(2, 25))


def test_class_indicators_empty() -> None:
    empty = ClassIndicators(students=0, success_rate=None, quality=None, sou=None)
    assert class_indicators([]) == empty
    assert class_indicators([None, None]) == empty


def test_class_indicators_other_scale_has_no_sou() -> None:
    ten = RegionPolicy(code="ten", scale=MarkScale(minimum=1, maximum=10, passing=4, good=7))
    result = class_indicators([10, 7, 3, None], ten)
    assert result == ClassIndicators(3, Fraction(2, 3), Fraction(2, 3), None)
    with pytest.raises(ValueError):
        class_indicators([6])
