"""The region's grading rule, through the public averaging and rounding of ediary.domain.grading."""

from __future__ import annotations

from fractions import Fraction

import pytest
from ediary_tatarstan.policy import tatarstan_policy
from ediary_tatarstan.settings import TatarstanSettings

from ediary.domain.grading import (
    DEFAULT_POLICY,
    RegionPolicy,
    YearBasis,
    term_mark,
    term_mark_of_sums,
    weighted_average,
)

POLICY = tatarstan_policy(TatarstanSettings())
# Eleven fives and nine fours: 91/20 = 4.55.
MARKS = [(5, 1)] * 11 + [(4, 1)] * 9


def test_a_4_55_average_is_a_4_here_and_a_5_by_default() -> None:
    average = weighted_average(MARKS)

    assert average == Fraction(455, 100)
    assert term_mark(average, POLICY) == 4
    assert term_mark(average, DEFAULT_POLICY) == 5
    assert term_mark_of_sums(91, 20, POLICY) == 4


@pytest.mark.parametrize(
    ("average", "mark"),
    [
        (Fraction(359, 100), 3),
        (Fraction(36, 10), 4),
        (Fraction(459, 100), 4),
        (Fraction(46, 10), 5),
        (Fraction(1), 1),
        (Fraction(5), 5),
    ],
)
def test_term_marks_round_up_from_six_tenths(average: Fraction, mark: int) -> None:
    assert term_mark(average, POLICY) == mark


def test_the_year_mark_is_the_mean_of_the_term_marks() -> None:
    assert POLICY.year_basis is YearBasis.TERM_MARKS
    assert DEFAULT_POLICY.year_basis is YearBasis.ALL_MARKS
    # Every term's average is 4.55: each term mark is 4 here, so the mean of the terms is 4;
    # over all marks of the year the default policy gives 5.
    terms = [term_mark_of_sums(91, 20, POLICY)] * 4
    assert terms == [4, 4, 4, 4]
    year = weighted_average([(mark, 1) for mark in terms])
    assert (year, term_mark(year, POLICY)) == (Fraction(4), 4)
    assert term_mark(weighted_average(MARKS * 4), DEFAULT_POLICY) == 5


def test_term_marks_4_and_5_make_a_4_for_the_year() -> None:
    # Term marks 4 and 5 average 4.5: below .6, the year is 4.
    year = weighted_average([(4, 1), (5, 1)])

    assert (year, term_mark(year, POLICY)) == (Fraction(9, 2), 4)


def test_the_policy_follows_the_settings() -> None:
    settings = TatarstanSettings.from_env(
        {"EDIARY_TATARSTAN_REGION": "16-test", "EDIARY_TATARSTAN_ROUND_UP_FROM": "0,7"}
    )

    policy = tatarstan_policy(settings)

    assert isinstance(policy, RegionPolicy)
    assert (policy.code, policy.round_up_from) == ("16-test", Fraction(7, 10))
    assert policy.scale == DEFAULT_POLICY.scale
    assert term_mark(Fraction(465, 100), policy) == 4
