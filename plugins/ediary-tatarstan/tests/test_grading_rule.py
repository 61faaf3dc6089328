"""The region's grading rule, through the domain's own averaging and rounding."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from ediary_tatarstan.policy import tatarstan_policy
from ediary_tatarstan.settings import TatarstanSettings

from ediary.domain.analytics.standing import year_standing
from ediary.domain.analytics.sums import MarkSums
from ediary.domain.grading import (
    DEFAULT_POLICY,
    RegionPolicy,
    term_mark,
    term_mark_of_sums,
    weighted_average,
)
from ediary.domain.models import Subject, Term

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
    subject = Subject(id=1, name="Математика")
    terms = [Term(id=n, name=f"{n} четверть", starts_on=date(2025, 9, 1)) for n in (1, 2, 3, 4)]
    # Every term's average is 4.55: each term mark is 4 here, so the year is 4; over all marks
    # under the default policy the year would be 5.
    sums = {term.id: MarkSums(weighted=91, weights=20, count=20) for term in terms}

    year = year_standing(subject, terms, sums, {}, POLICY)

    assert [standing.mark for standing in year.terms] == [4, 4, 4, 4]
    assert (year.average, year.forecast) == (Fraction(4), 4)
    assert year_standing(subject, terms, sums, {}, DEFAULT_POLICY).forecast == 5


def test_a_term_mark_the_teacher_gave_counts_in_the_year() -> None:
    subject = Subject(id=1, name="Математика")
    terms = [Term(id=n, name=f"{n} четверть", starts_on=date(2025, 9, 1)) for n in (1, 2)]
    sums = {term.id: MarkSums(weighted=91, weights=20, count=20) for term in terms}

    # Term marks 4 and 5 average 4.5: below .6, the year is 4.
    year = year_standing(subject, terms, sums, {2: 5}, POLICY)

    assert (year.average, year.forecast) == (Fraction(9, 2), 4)


def test_the_policy_follows_the_settings() -> None:
    settings = TatarstanSettings.from_env(
        {"EDIARY_TATARSTAN_REGION": "16-test", "EDIARY_TATARSTAN_ROUND_UP_FROM": "0,7"}
    )

    policy = tatarstan_policy(settings)

    assert isinstance(policy, RegionPolicy)
    assert (policy.code, policy.round_up_from) == ("16-test", Fraction(7, 10))
    assert policy.scale == DEFAULT_POLICY.scale
    assert term_mark(Fraction(465, 100), policy) == 4
