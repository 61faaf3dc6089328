"""The term-mark forecast and "what do I need": the shortest ways to a target mark.

Plans come from `grading.marks_needed` over the student's marks so far (read from SQL as
counts per value and weight, which give the same average as the marks one by one). Whether a
plan is still reachable is decided by the lessons of the subject left for the class this
term, counted in SQL from the timetable: a plan of n marks fits when at least n lessons are
left, on the assumption that a student gets at most one mark per lesson.

Work announced for the lessons left (a test of weight 2 is coming) is listed with the lowest
mark on it that would bring the term mark to the target, and with the lowest mark that,
got on all of it, would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from tortoise.functions import Count

from ediary.domain.access import Facet
from ediary.domain.analytics.scope import StudentTerm
from ediary.domain.averages import counted_marks
from ediary.domain.bounds import final_marks_within, within
from ediary.domain.enums import LessonStatus
from ediary.domain.errors import InvalidInput, NotFound
from ediary.domain.grading import RegionPolicy, marks_needed, term_mark, weighted_average
from ediary.domain.journal.planned_work import upcoming_work
from ediary.domain.models import FinalMark, Lesson, PlannedWork, Subject, Term
from ediary.domain.rows import TermRow


@dataclass(frozen=True)
class Plan:
    """`count` more marks of `value` with `weight` reach the target; `fits` if lessons allow."""

    value: int
    weight: int
    count: int
    fits: bool


@dataclass(frozen=True)
class UpcomingWork:
    """Announced work of the term still to come, and the lowest mark on it alone with which
    the term mark is at least the target (a low mark can lose a target reached so far);
    None when not even the top mark would do, or once the term mark is given."""

    work: PlannedWork
    needed: int | None


@dataclass(frozen=True)
class Forecast:
    subject: Subject
    term: Term | TermRow
    target: int
    average: Fraction | None
    mark_count: int
    # The term mark the average rounds to now; the given mark, once there is one, is `given`.
    forecast: int | None
    given: int | None
    remaining_lessons: int
    plans: list[Plan]
    upcoming: list[UpcomingWork] = field(default_factory=list)
    # The lowest mark that, got on every announced work to come, reaches the target; None
    # without announced work, when no mark would, or once the term mark is given.
    needed_on_upcoming: int | None = None

    @property
    def reached(self) -> bool:
        mark = self.given if self.given is not None else self.forecast
        return mark is not None and mark >= self.target

    @property
    def reachable(self) -> bool:
        """Reached already, or some plan fits in the lessons left (never once a mark is given)."""
        return self.reached or (self.given is None and any(p.fits for p in self.plans))


_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")


def describe_plans(plans: list[Plan]) -> str:
    """Plans in words, such as "two 5s of weight 2, or three 5s of weight 1"."""
    parts = []
    for plan in plans:
        count = _NUMBERS[plan.count] if plan.count < len(_NUMBERS) else str(plan.count)
        if plan.count == 1:
            parts.append(f"one {plan.value} of weight {plan.weight}")
        else:
            parts.append(f"{count} {plan.value}s of weight {plan.weight}")
    return ", or ".join(parts)


def lowest_reaching(
    marks: list[tuple[int, int]], weights: list[int], target: int, policy: RegionPolicy
) -> int | None:
    """The lowest mark that, got once with each of `weights` on top of `marks`, makes the
    term mark at least `target`; None when not even the top of the scale does."""
    scale = policy.scale
    for value in range(scale.minimum, scale.maximum + 1):
        mark = term_mark(weighted_average([*marks, *((value, w) for w in weights)]), policy)
        if mark is not None and mark >= target:
            return value
    return None


async def remaining_lessons(scope: StudentTerm, subject_id: int, today: date) -> int:
    """Lessons of the subject for the student's class after today, up to the term's end."""
    return await (
        Lesson.filter(
            school_class_id=scope.placement.class_id,
            subject_id=subject_id,
            date__gt=today,
            date__lte=scope.last_day,
        )
        .exclude(status=LessonStatus.CANCELLED)
        .count()
    )


async def forecast(
    scope: StudentTerm,
    subject_id: int,
    target: int,
    policy: RegionPolicy,
    today: date,
    value: int | None = None,
) -> Forecast:
    """The forecast for one subject and the ways to reach `target` with marks of `value`.

    `value` defaults to the top of the scale. Targets and values off the scale are refused
    with BAD_USER_INPUT; a subject the viewer may not see the marks of is NOT_FOUND.
    """
    scale = policy.scale
    if not scale.contains(target):
        raise InvalidInput(
            f"The target must be a mark from {scale.minimum} to {scale.maximum}.", field="target"
        )
    if value is not None and not scale.contains(value):
        raise InvalidInput(
            f"The mark value must be from {scale.minimum} to {scale.maximum}.", field="markValue"
        )
    grant = scope.grant
    subject = await Subject.get_or_none(id=subject_id, school_id=scope.placement.school_id)
    if subject is None or not grant.allows(Facet.MARKS, subject_id):
        raise NotFound()
    rows = (
        await counted_marks(
            policy, student_id=grant.student_id, term_id=scope.term.id, subject_id=subject_id
        )
        .filter(within(grant))
        .annotate(count=Count("id"))
        .group_by("value", "weight")
        .values("value", "weight", "count")
    )
    # n marks of (value, weight) weigh exactly like one mark of (value, n * weight).
    marks = [(int(r["value"]), int(r["weight"]) * int(r["count"])) for r in rows]
    given = await FinalMark.filter(
        final_marks_within(grant),
        student_id=grant.student_id,
        subject_id=subject_id,
        term_id=scope.term.id,
    ).first()
    average = weighted_average(marks)
    left = await remaining_lessons(scope, subject_id, today)
    plans: list[Plan] = []
    if given is None:
        plans = [
            Plan(value=p.value, weight=p.weight, count=p.count, fits=p.count <= left)
            for p in marks_needed(marks, target, policy, value=value)
        ]
    announced = await upcoming_work(scope.placement.class_id, subject_id, today, scope.last_day)
    upcoming = [
        UpcomingWork(w, None if given else lowest_reaching(marks, [w.weight], target, policy))
        for w in announced
    ]
    on_all = None
    if announced and given is None:
        on_all = lowest_reaching(marks, [w.weight for w in announced], target, policy)
    return Forecast(
        subject=subject,
        term=scope.term,
        target=target,
        average=average,
        mark_count=sum(int(r["count"]) for r in rows),
        forecast=term_mark(average, policy),
        given=given.value if given else None,
        remaining_lessons=left,
        plans=plans,
        upcoming=upcoming,
        needed_on_upcoming=on_all,
    )
