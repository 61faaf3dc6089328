"""Per-subject term and year averages from SQL, checked against a plain reference.

Hypothesis draws marks (subject, term, value, weight, kind), given term marks and a region
policy (rounding threshold, which kinds count, what the year is taken over); the marks go
into the database and `year_standings` must agree with loops over the same marks. The
running averages of `progress` are checked the same way.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ediary.domain import models
from ediary.domain.access import ALL_FACETS, Placement, StudentGrant
from ediary.domain.analytics.progress import progress
from ediary.domain.analytics.scope import StudentTerm
from ediary.domain.analytics.standing import year_standings
from ediary.domain.enums import WorkKind
from ediary.domain.grading import (
    MarkScale,
    RegionPolicy,
    YearBasis,
    term_mark,
    term_mark_of_sums,
)
from ediary.domain.weeks import IsoWeek
from tests import builders
from tests.domain.reference_grading import ref_average, ref_term_mark

TERMS = [(date(2026, 9, 1), date(2026, 10, 25)), (date(2026, 11, 3), date(2026, 12, 27))]
SUBJECTS = ("Algebra", "Biology")

Drawn = tuple[int, int, int, int, WorkKind, int]  # subject, term, value, weight, kind, day

marks_drawn = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.integers(0, 1),
        st.integers(1, 5),
        st.integers(1, 5),
        st.sampled_from(list(WorkKind)),
        st.integers(0, 50),
    ),
    max_size=25,
)
given_drawn = st.dictionaries(
    st.tuples(st.integers(0, 1), st.integers(0, 1)), st.integers(1, 5), max_size=2
)
policies = st.builds(
    lambda k, kinds, basis: RegionPolicy(
        round_up_from=Fraction(k, 10), counted_kinds=kinds, year_basis=basis
    ),
    st.integers(1, 10),
    st.none() | st.frozensets(st.sampled_from(list(WorkKind)), min_size=1),
    st.sampled_from(list(YearBasis)),
)
SLOW = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture(scope="module")
async def setting(database: str) -> tuple[builders.School, models.SchoolClass, models.User]:
    built = await builders.school("P", "prop", TERMS, subjects=SUBJECTS)
    school_class = await builders.school_class(built, "6P")
    pupil = await builders.student(None, built, school_class, "prop-student", "Prop", "Pupil")
    return built, school_class, pupil


def _scope(built: builders.School, pupil: models.User, term: int) -> StudentTerm:
    placement = Placement(
        class_id=next(iter(built.classes.values())).id,
        school_id=built.id,
        academic_year_id=built.year.id,
        region_code="prop",
        starts_on=TERMS[0][0],
        ends_on=None,
    )
    grant = StudentGrant(pupil.id, ALL_FACETS, None, "prop")
    return StudentTerm(grant=grant, term=built.terms[term], placement=placement)


_PUPILS = itertools.count(1)


async def _store(
    setting: tuple[builders.School, models.SchoolClass, models.User],
    marks: list[Drawn],
    given_marks: dict[tuple[int, int], int],
) -> models.User:
    # A fresh pupil per example: marks are never deleted (their history is append-only).
    built, school_class, _ = setting
    number = next(_PUPILS)
    pupil = await builders.student(
        None, built, school_class, f"prop-student-{number}", "Prop", f"Pupil {number}"
    )
    for subject, term, value, weight, kind, day in marks:
        start, end = TERMS[term]
        await builders.mark(
            built,
            pupil,
            school_class,
            SUBJECTS[subject],
            built.terms[term],
            value,
            weight,
            kind=kind,
            day=min(end, start + timedelta(days=day)),
        )
    for (subject, term), value in given_marks.items():
        await builders.final_mark(built, pupil, SUBJECTS[subject], built.terms[term], value)
    return pupil


def _exact(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    with localcontext() as ctx:
        ctx.prec = 60
        return Decimal(value.numerator) / Decimal(value.denominator)


def _counted(marks: list[Drawn], policy: RegionPolicy) -> Iterator[Drawn]:
    return (m for m in marks if policy.counted_kinds is None or m[4] in policy.counted_kinds)


@SLOW
@given(marks=marks_drawn, given_marks=given_drawn, policy=policies)
async def test_term_and_year_averages_match_reference(
    setting: tuple[builders.School, models.SchoolClass, models.User],
    marks: list[Drawn],
    given_marks: dict[tuple[int, int], int],
    policy: RegionPolicy,
) -> None:
    pupil = await _store(setting, marks, given_marks)
    built, _, _ = setting
    found = {s.subject.name: s for s in await year_standings(_scope(built, pupil, 1), policy)}

    counted = list(_counted(marks, policy))
    expected_subjects = {SUBJECTS[m[0]] for m in counted} | {SUBJECTS[s] for s, _ in given_marks}
    assert set(found) == expected_subjects
    for index, name in enumerate(SUBJECTS):
        if name not in found:
            continue
        year = found[name]
        term_marks = []
        for term, standing in enumerate(year.terms):
            pairs = [(m[2], m[3]) for m in counted if m[0] == index and m[1] == term]
            reference = ref_average(pairs)
            assert _exact(standing.average) == reference
            assert standing.sums.count == len(pairs)
            forecast = ref_term_mark(reference, policy.round_up_from, policy.scale)
            assert standing.forecast == forecast
            assert standing.given == given_marks.get((index, term))
            mark = given_marks.get((index, term), forecast)
            if mark is not None:
                term_marks.append(mark)
        if policy.year_basis is YearBasis.ALL_MARKS:
            reference = ref_average([(m[2], m[3]) for m in counted if m[0] == index])
        else:
            reference = ref_average([(mark, 1) for mark in term_marks])
        assert _exact(year.average) == reference
        assert year.forecast == ref_term_mark(reference, policy.round_up_from, policy.scale)


@SLOW
@given(marks=marks_drawn, policy=policies)
async def test_running_weekly_average_matches_reference(
    setting: tuple[builders.School, models.SchoolClass, models.User],
    marks: list[Drawn],
    policy: RegionPolicy,
) -> None:
    pupil = await _store(setting, marks, {})
    built, _, _ = setting
    term = 0
    found = {
        s.subject.name: s for s in (await progress(_scope(built, pupil, term), policy)).subjects
    }

    start, end = TERMS[term]
    counted = [m for m in _counted(marks, policy) if m[1] == term]
    for index, name in enumerate(SUBJECTS):
        mine = [
            (min(end, start + timedelta(days=m[5])), m[2], m[3]) for m in counted if m[0] == index
        ]
        weeks = sorted({IsoWeek.containing(day) for day, _, _ in mine})
        if not weeks:
            assert name not in found
            continue
        points = found[name].points
        assert [p.week for p in points] == weeks
        for point in points:
            upto = [(v, w) for day, v, w in mine if day <= point.week.sunday]
            assert _exact(point.average) == ref_average(upto)
            assert point.total_marks == len(upto)
            assert point.week_marks == sum(
                1 for day, _, _ in mine if IsoWeek.containing(day) == point.week
            )


async def test_a_term_without_marks_has_no_average_and_no_division(
    setting: tuple[builders.School, models.SchoolClass, models.User],
) -> None:
    pupil = await _store(setting, [], {(0, 0): 4})
    built, _, _ = setting
    policy = RegionPolicy(year_basis=YearBasis.TERM_MARKS)
    (year,) = await year_standings(_scope(built, pupil, 0), policy)
    assert [(t.average, t.forecast, t.given) for t in year.terms] == [
        (None, None, 4),
        (None, None, None),
    ]
    # The year over term marks: only the given 4 counts.
    assert (year.average, year.forecast) == (Fraction(4), 4)
    default = await year_standings(_scope(built, pupil, 0), RegionPolicy())
    assert (default[0].average, default[0].forecast) == (None, None)
    assert (await progress(_scope(built, pupil, 1), policy)).subjects == []


@given(
    st.integers(0, 10_000),
    st.integers(0, 2_000),
    st.integers(1, 10),
    st.sampled_from([MarkScale(), MarkScale(minimum=1, maximum=10, passing=4, good=7)]),
)
def test_term_mark_of_sums_is_term_mark(
    weighted: int, weights: int, k: int, scale: MarkScale
) -> None:
    policy = RegionPolicy(round_up_from=Fraction(k, 10), scale=scale)
    average = Fraction(weighted, weights) if weights else None
    assert term_mark_of_sums(weighted, weights, policy) == term_mark(average, policy)
