"""Types of a student's analytics: year averages, forecasts, progress and class standing."""

from __future__ import annotations

import datetime
from fractions import Fraction
from typing import Self

import strawberry

from ediary.domain.analytics.forecast import Forecast, describe_plans
from ediary.domain.analytics.progress import SubjectProgress as DomainSubjectProgress
from ediary.domain.analytics.rating import ClassStanding as DomainClassStanding
from ediary.domain.analytics.standing import TermStanding as DomainTermStanding
from ediary.domain.analytics.standing import YearStanding
from ediary.domain.grading import YearBasis, display_average
from ediary.domain.weeks import IsoWeek
from ediary.schema.types.journal import PlannedWork
from ediary.schema.types.school import SchoolClass, Subject, Term

YearBasisType = strawberry.enum(
    YearBasis,
    name="YearBasis",
    description=(
        "What a year average is taken over: ALL_MARKS, every counted mark of the year; "
        "TERM_MARKS, the mean of the term marks (given, else forecast)."
    ),
)


def rounded(value: Fraction | None) -> float | None:
    """An exact average shown rounded half-up to 0.01."""
    shown = display_average(value)
    return float(shown) if shown is not None else None


@strawberry.type(description="A student's standing in one subject over one term of the year.")
class TermStanding:
    term: Term = strawberry.field(description="The term of the school year this standing covers.")
    average: float | None = strawberry.field(
        description="Weighted average of the term's counted marks, to 0.01; null without marks."
    )
    mark_count: int = strawberry.field(description="How many marks the average is made of.")
    forecast: int | None = strawberry.field(
        description="The term mark the average rounds to under the policy of the region."
    )
    given: int | None = strawberry.field(
        description="The term mark the teacher gave; null until it is given."
    )

    @classmethod
    def from_domain(cls, item: DomainTermStanding) -> Self:
        return cls(
            term=Term.from_model(item.term),
            average=rounded(item.average),
            mark_count=item.sums.count,
            forecast=item.forecast,
            given=item.given,
        )


@strawberry.type(description="A student's averages in one subject, term by term and for the year.")
class YearAverage:
    subject: Subject = strawberry.field(
        description="The subject whose term and year averages these are."
    )
    terms: list[TermStanding] = strawberry.field(
        description="Every term of the school year, first term first, with or without marks."
    )
    basis: YearBasisType = strawberry.field(  # type: ignore[valid-type]
        description="What the year average is taken over, as the region's policy says."
    )
    average: float | None = strawberry.field(
        description="The year average, to 0.01; null when there is nothing to average yet."
    )
    mark_count: int = strawberry.field(description="How many counted marks the year has.")
    forecast: int | None = strawberry.field(
        description="The year mark the year average rounds to under the policy of the region."
    )
    given: int | None = strawberry.field(
        description="The year mark the teacher gave; null until it is given."
    )

    @classmethod
    def from_domain(cls, item: YearStanding) -> Self:
        return cls(
            subject=Subject.from_model(item.subject),
            terms=[TermStanding.from_domain(t) for t in item.terms],
            basis=item.basis,
            average=rounded(item.average),
            mark_count=item.sums.count,
            forecast=item.forecast,
            given=item.given,
        )


@strawberry.type(description="One way to reach a target mark: `count` more marks of `value`.")
class MarksPlan:
    value: int = strawberry.field(description="The mark to get, such as 5.")
    weight: int = strawberry.field(description="The weight each of those marks has.")
    count: int = strawberry.field(description="How many such marks are needed, at the least.")
    fits: bool = strawberry.field(
        description="Whether that many lessons of the subject are left this term."
    )


@strawberry.type(description="Announced work of the term still to come, as the forecast counts it.")
class ForecastWork:
    work: PlannedWork = strawberry.field(
        description="The work, with its weight and the lesson it is announced for."
    )
    needed: int | None = strawberry.field(
        description="The lowest mark on this work alone with which the term mark is at "
        "least the target (a low mark can lose a target reached so far); null when not even "
        "the top mark would do or when the term mark is given."
    )


@strawberry.type(
    description='The term-mark forecast of a subject and "what do I need" for a target.'
)
class MarkForecast:
    subject: Subject = strawberry.field(description="The subject the forecast is for.")
    term: Term = strawberry.field(description="The term forecast.")
    target: int = strawberry.field(description="The term mark asked about.")
    average: float | None = strawberry.field(
        description="Weighted average of the counted marks so far, to 0.01; null without marks."
    )
    mark_count: int = strawberry.field(description="How many counted marks there are so far.")
    forecast: int | None = strawberry.field(
        description="The term mark the average rounds to now; null without marks."
    )
    given: int | None = strawberry.field(
        description="The term mark the teacher gave; once given, no further mark changes it."
    )
    reached: bool = strawberry.field(
        description="Whether the given mark, else the forecast, is already at least the target."
    )
    reachable: bool = strawberry.field(
        description="Whether the target is reached or some plan fits in the lessons left."
    )
    remaining_lessons: int = strawberry.field(
        description="Lessons of the subject for the class after today until the term ends, "
        "not counting cancelled ones."
    )
    plans: list[MarksPlan] = strawberry.field(
        description="The fewest marks of each weight that reach the target, fewest first; "
        "empty when reached, when the mark is given, or when no number of such marks suffices."
    )
    summary: str = strawberry.field(
        description='The plans in words, such as "two 5s of weight 2, or three 5s of weight 1".'
    )
    upcoming_work: list[ForecastWork] = strawberry.field(
        description="Tests, quizzes and other work announced for the subject's lessons after "
        "today until the term ends, soonest first, each with its weight and the mark on it "
        "that would reach the target."
    )
    needed_on_upcoming_work: int | None = strawberry.field(
        description="The lowest mark that, got on every work of `upcomingWork`, brings the "
        "term mark to the target; null without announced work, when no mark would, or when "
        "the term mark is given."
    )

    @classmethod
    def from_domain(cls, item: Forecast) -> Self:
        return cls(
            subject=Subject.from_model(item.subject),
            term=Term.from_model(item.term),
            target=item.target,
            average=rounded(item.average),
            mark_count=item.mark_count,
            forecast=item.forecast,
            given=item.given,
            reached=item.reached,
            reachable=item.reachable,
            remaining_lessons=item.remaining_lessons,
            plans=[
                MarksPlan(value=p.value, weight=p.weight, count=p.count, fits=p.fits)
                for p in item.plans
            ],
            summary=describe_plans(item.plans),
            upcoming_work=[
                ForecastWork(work=PlannedWork.from_model(u.work), needed=u.needed)
                for u in item.upcoming
            ],
            needed_on_upcoming_work=item.needed_on_upcoming,
        )


@strawberry.type(description="The running average of a subject at the end of a week with marks.")
class ProgressPoint:
    week: IsoWeek = strawberry.field(description='The ISO week, such as "2026-W48".')
    week_ends: datetime.date = strawberry.field(description="The Sunday the week ends on.")
    average: float = strawberry.field(
        description="Weighted average of all the term's marks up to the end of the week, to 0.01."
    )
    week_marks: int = strawberry.field(description="Marks got during this week.")
    total_marks: int = strawberry.field(description="Marks got since the term began.")


@strawberry.type(description="The progress of a student in one subject over a term.")
class SubjectProgress:
    subject: Subject = strawberry.field(
        description="The subject whose running average the points trace."
    )
    points: list[ProgressPoint] = strawberry.field(
        description="One point per week with marks, earliest first."
    )

    @classmethod
    def from_domain(cls, item: DomainSubjectProgress) -> Self:
        return cls(
            subject=Subject.from_model(item.subject),
            points=[
                ProgressPoint(
                    week=p.week,
                    week_ends=p.week.sunday,
                    average=float(display_average(p.average) or 0),
                    week_marks=p.week_marks,
                    total_marks=p.total_marks,
                )
                for p in item.points
            ],
        )


@strawberry.type(description="A student's running average per subject, week by week, over a term.")
class Progress:
    term: Term = strawberry.field(description="The term the weeks belong to.")
    subjects: list[SubjectProgress] = strawberry.field(
        description="Subjects with marks this term, by name."
    )
    chart_url: str = strawberry.field(
        description="Absolute address of the same data as an SVG chart, served with the same "
        "login (cookie or bearer token): one small chart per subject, or one subject beside "
        "the class average with `&subject=<Subject ID>`."
    )
    as_of: datetime.date = strawberry.field(
        description="The school's today, from which `weeksLeft` counts."
    )
    weeks_left: int = strawberry.field(
        description="Weeks of the term after `asOf`, a part week counting whole; 0 once the "
        "term has ended."
    )


@strawberry.type(description="A student's average in a subject beside the class average.")
class SubjectComparison:
    subject: Subject = strawberry.field(
        description="The subject compared, with the term of the question."
    )
    average: float | None = strawberry.field(
        description="The student's weighted average this term, to 0.01; null without marks."
    )
    class_average: float | None = strawberry.field(
        description="Mean of the class's students' averages in the subject, to 0.01; "
        "null when the viewer may not compare."
    )
    class_students: int | None = strawberry.field(
        description="How many students the class average is over; null when not shown."
    )


@strawberry.type(description="A student's place in the class by average, and the class averages.")
class ClassStanding:
    term: Term = strawberry.field(description="The term whose averages are compared.")
    school_class: SchoolClass = strawberry.field(description="The class compared with.")
    shown: bool = strawberry.field(
        description="Whether comparisons are shown: always to staff of the class, to the "
        "family only when the school turns the class rating on."
    )
    average: float | None = strawberry.field(
        description="The student's overall average: the mean of their subject averages, to 0.01."
    )
    rank: int | None = strawberry.field(
        description="1 plus the number of classmates with a higher overall average; null when "
        "not shown or when the viewer sees only some subjects."
    )
    ranked_students: int | None = strawberry.field(
        description="How many students of the class have marks and so a place; null with `rank`."
    )
    subjects: list[SubjectComparison] = strawberry.field(
        description="Per subject, the student's average and the class average, by name."
    )

    @classmethod
    def from_domain(cls, item: DomainClassStanding) -> Self:
        return cls(
            term=Term.from_model(item.term),
            school_class=SchoolClass.from_model(item.school_class),
            shown=item.shown,
            average=rounded(item.average),
            rank=item.rank,
            ranked_students=item.ranked,
            subjects=[
                SubjectComparison(
                    subject=Subject.from_model(s.subject),
                    average=rounded(s.average),
                    class_average=rounded(s.class_average),
                    class_students=s.students,
                )
                for s in item.subjects
            ],
        )
