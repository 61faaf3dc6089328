"""The term-mark forecast and "what do I need", against worked examples."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from ediary.domain import models
from ediary.domain.access import ALL_FACETS, Facet, Placement, StudentGrant
from ediary.domain.analytics.forecast import Forecast, Plan, describe_plans, forecast
from ediary.domain.analytics.scope import StudentTerm
from ediary.domain.errors import InvalidInput, NotFound
from ediary.domain.grading import DEFAULT_WEIGHTS, RegionPolicy
from tests import builders

TERM = (date(2026, 11, 2), date(2026, 12, 27))
TODAY = date(2026, 12, 9)  # a Wednesday
# A region whose kinds of work weigh 1 or 2 only.
TWO_WEIGHTS = RegionPolicy(code="two", weights={k: min(w, 2) for k, w in DEFAULT_WEIGHTS.items()})
DEFAULT = RegionPolicy()


_PUPILS = itertools.count(1)


class Setting:
    built: builders.School
    school_class: models.SchoolClass
    pupil: models.User


@pytest.fixture(scope="module")
async def setting(database: str) -> Setting:
    found = Setting()
    found.built = await builders.school("F", "fc", [TERM], subjects=("Mathematics", "Physics"))
    found.school_class = await builders.school_class(found.built, "8F")
    found.pupil = await builders.student(
        None, found.built, found.school_class, "fc-pupil", "F", "P"
    )
    cls = found.school_class
    # Mathematics after today: 12-10 and 12-17 count, the cancelled one does not; a Physics
    # lesson and a Mathematics lesson of today or before do not either.
    for day, subject, extra in (
        (TODAY - timedelta(days=1), "Mathematics", {}),
        (TODAY, "Mathematics", {}),
        (TODAY + timedelta(days=1), "Mathematics", {}),
        (TODAY + timedelta(days=5), "Mathematics", {"status": builders.CANCELLED}),
        (TODAY + timedelta(days=8), "Mathematics", {}),
        (TODAY + timedelta(days=2), "Physics", {}),
        (TERM[1] + timedelta(days=10), "Mathematics", {}),  # after the term
    ):
        await builders.lesson(found.built, cls, subject, day, **extra)
    return found


def _scope(setting: Setting, subjects: frozenset[int] | None = None) -> StudentTerm:
    placement = Placement(
        class_id=setting.school_class.id,
        school_id=setting.built.id,
        academic_year_id=setting.built.year.id,
        region_code="fc",
        starts_on=TERM[0],
        ends_on=None,
    )
    grant = StudentGrant(setting.pupil.id, ALL_FACETS, subjects, "fc")
    return StudentTerm(grant=grant, term=setting.built.terms[0], placement=placement)


async def _marks(setting: Setting, subject: str, *marks: tuple[int, int]) -> None:
    # Each example gets a fresh pupil of the class: marks are never deleted (their history
    # is append-only), so the previous example's marks stay with the previous pupil.
    number = next(_PUPILS)
    setting.pupil = await builders.student(
        None, setting.built, setting.school_class, f"fc-pupil-{number}", "F", f"P{number}"
    )
    for value, weight in marks:
        await builders.mark(
            setting.built,
            setting.pupil,
            setting.school_class,
            subject,
            setting.built.terms[0],
            value,
            weight,
        )


async def _forecast(
    setting: Setting, target: int, policy: RegionPolicy = TWO_WEIGHTS, **kwargs: object
) -> Forecast:
    math = setting.built.subjects["Mathematics"].id
    return await forecast(_scope(setting), math, target, policy, TODAY, **kwargs)  # type: ignore[arg-type]


async def test_two_fives_of_weight_two_or_three_of_weight_one(setting: Setting) -> None:
    # 4, 4, 4 (weight 1): average 4, a 4 now. A 5 needs an average of at least 4.5:
    #   k marks of 5 with weight u: (12 + 5ku) / (3 + ku) >= 4.5  <=>  ku >= 3
    #   weight 2: k = 2 (32/7 = 4.57; one gives 22/5 = 4.4); weight 1: k = 3 (27/6 = 4.5).
    await _marks(setting, "Mathematics", (4, 1), (4, 1), (4, 1))
    found = await _forecast(setting, 5)
    assert (found.average, found.forecast, found.mark_count) == (4, 4, 3)
    # Two Mathematics lessons are left after today (the cancelled one does not count).
    assert found.remaining_lessons == 2
    assert found.plans == [Plan(5, 2, 2, fits=True), Plan(5, 1, 3, fits=False)]
    assert describe_plans(found.plans) == "two 5s of weight 2, or three 5s of weight 1"
    assert (found.reached, found.reachable) == (False, True)


async def test_default_weights_worked_example(setting: Setting) -> None:
    # 4 (w1), 3 (w2), 5 (w1): 15 / 4 = 3.75, a 4. For a 5: 15 + 5ku >= 4.5 (4 + ku)
    #   <=> ku >= 6: weight 3 twice, weight 2 three times, weight 1 six times.
    await _marks(setting, "Mathematics", (4, 1), (3, 2), (5, 1))
    found = await _forecast(setting, 5, DEFAULT)
    assert found.forecast == 4
    assert [(p.count, p.weight, p.fits) for p in found.plans] == [
        (2, 3, True),
        (3, 2, False),
        (6, 1, False),
    ]
    assert describe_plans(found.plans) == (
        "two 5s of weight 3, or three 5s of weight 2, or six 5s of weight 1"
    )
    # With 4s only: 15 + 4ku >= 3.5 (4 + ku) <=> ku >= -2: already a 4, nothing needed.
    reached = await _forecast(setting, 4, DEFAULT, value=4)
    assert (reached.reached, reached.reachable, reached.plans) == (True, True, [])


async def test_not_reachable_when_too_few_lessons_are_left(setting: Setting) -> None:
    # 2, 2 (weight 1): average 2. For a 4 (3.5): 4 + 5ku >= 3.5 (2 + ku) <=> ku >= 2:
    #   one 5 of weight 2 fits; with 3s (below 3.5) no number of marks is enough.
    await _marks(setting, "Mathematics", (2, 1), (2, 1))
    found = await _forecast(setting, 4)
    assert found.plans == [Plan(5, 2, 1, fits=True), Plan(5, 1, 2, fits=True)]
    assert describe_plans(found.plans[:1]) == "one 5 of weight 2"
    hopeless = await _forecast(setting, 4, value=3)
    assert (hopeless.plans, hopeless.reachable) == ([], False)
    # For a 5 (4.5): 4 + 5ku >= 4.5 (2 + ku) <=> ku >= 10: weight 2 five times, too many.
    far = await _forecast(setting, 5)
    assert [(p.count, p.weight, p.fits) for p in far.plans] == [(5, 2, False), (10, 1, False)]
    assert far.reachable is False


async def test_no_marks_yet_and_a_given_mark(setting: Setting) -> None:
    await _marks(setting, "Mathematics")
    empty = await _forecast(setting, 5)
    assert (empty.average, empty.forecast, empty.mark_count) == (None, None, 0)
    assert empty.plans == [Plan(5, 1, 1, fits=True), Plan(5, 2, 1, fits=True)]
    await builders.final_mark(
        setting.built, setting.pupil, "Mathematics", setting.built.terms[0], 3
    )
    given = await _forecast(setting, 5)
    # Once the teacher has given the term mark, further marks change nothing.
    assert (given.given, given.plans, given.reached, given.reachable) == (3, [], False, False)
    assert (await _forecast(setting, 3)).reached is True


@pytest.mark.parametrize(
    ("target", "value", "field"), [(6, None, "target"), (0, None, "target"), (5, 7, "markValue")]
)
async def test_targets_and_values_off_the_scale_are_refused(
    setting: Setting, target: int, value: int | None, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await _forecast(setting, target, value=value)
    assert (refused.value.code, refused.value.field) == ("BAD_USER_INPUT", field)


async def test_a_subject_outside_the_grant_is_not_found(setting: Setting) -> None:
    physics = setting.built.subjects["Physics"].id
    scope = _scope(setting, subjects=frozenset({setting.built.subjects["Mathematics"].id}))
    with pytest.raises(NotFound):
        await forecast(scope, physics, 5, DEFAULT, TODAY)
    nurse = StudentTerm(
        StudentGrant(setting.pupil.id, frozenset({Facet.LESSONS}), None),
        scope.term,
        scope.placement,
    )
    with pytest.raises(NotFound):
        await forecast(nurse, setting.built.subjects["Mathematics"].id, 5, DEFAULT, TODAY)
