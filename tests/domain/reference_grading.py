"""Plain reference versions of the grading maths (Decimal at 60 digits and loops, no Fraction
cleverness), which the property tests compare ediary.domain.grading and the analytics with."""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction

from ediary.domain.grading import MarkScale


def ref_average(marks: list[tuple[int, int]]) -> Decimal | None:
    """Weighted average by two loops and one Decimal division at 60 digits."""
    total = 0
    weight_sum = 0
    for value, weight in marks:
        total += value * weight
    for _, weight in marks:
        weight_sum += weight
    if weight_sum == 0:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        return Decimal(total) / Decimal(weight_sum)


def ref_term_mark(average: Decimal | None, round_up_from: Fraction, scale: MarkScale) -> int | None:
    """Whole part plus one if the fractional part reaches the rounding threshold, then clamp."""
    if average is None:
        return None
    whole = int(average)  # averages here are positive, so truncation is the floor
    with localcontext() as ctx:
        ctx.prec = 60
        threshold = Decimal(round_up_from.numerator) / Decimal(round_up_from.denominator)
        if average - whole >= threshold:
            whole += 1
    if whole < scale.minimum:
        whole = scale.minimum
    if whole > scale.maximum:
        whole = scale.maximum
    return whole
