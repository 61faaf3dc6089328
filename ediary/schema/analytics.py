"""Query fields of progress analytics, reports and calendar feeds.

Kept apart from `queries.py` and mixed into the root Query type, so the root stays short.
"""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from ediary.domain import feeds
from ediary.domain.analytics import forecast, progress, rating, regional, reports, standing
from ediary.domain.analytics.scope import StudentTerm, student_term
from ediary.schema.ids import local_id
from ediary.schema.info import Info
from ediary.schema.types.analytics import (
    ClassStanding,
    MarkForecast,
    Progress,
    SubjectProgress,
    YearAverage,
)
from ediary.schema.types.calendar import CalendarFeed
from ediary.schema.types.reports import (
    ClassReport,
    RegionalReport,
    SchoolReport,
)
from ediary.schema.types.school import Term


async def _scope(
    info: Info, student_id: relay.GlobalID, term_id: relay.GlobalID | None
) -> StudentTerm:
    viewer = await info.context.require_viewer()
    student = local_id(student_id, "Student")
    term = local_id(term_id, "Term") if term_id is not None else None
    return await student_term(viewer, student, term, info.context.today())


@strawberry.type
class AnalyticsQuery:
    @strawberry.field(
        description="A student's averages per subject for every term of a school year and for "
        "the year, computed as the region's policy says; the current year when no term is given "
        "(any term of the year selects it). NOT_ENROLLED when the student was in no class then."
    )
    async def year_averages(
        self, info: Info, student_id: relay.GlobalID, term_id: relay.GlobalID | None = None
    ) -> list[YearAverage] | None:
        scope = await _scope(info, student_id, term_id)
        policy = info.context.region_policy(scope.placement.region_code)
        return [YearAverage.from_domain(s) for s in await standing.year_standings(scope, policy)]

    @strawberry.field(
        description='The forecast term mark of a subject and "what do I need": the fewest '
        "further marks of `markValue` (the top of the scale by default) of each weight that "
        "bring the term mark to `target`, and whether the lessons left allow it. "
        "BAD_USER_INPUT for a target or value off the scale."
    )
    async def mark_forecast(
        self,
        info: Info,
        student_id: relay.GlobalID,
        subject_id: relay.GlobalID,
        target: Annotated[int, strawberry.argument(description="The term mark wanted, such as 5.")],
        term_id: relay.GlobalID | None = None,
        mark_value: Annotated[
            int | None,
            strawberry.argument(
                description="The mark the plans are made of; the top of the scale when null."
            ),
        ] = None,
    ) -> MarkForecast | None:
        scope = await _scope(info, student_id, term_id)
        policy = info.context.region_policy(scope.placement.region_code)
        found = await forecast.forecast(
            scope, local_id(subject_id, "Subject"), target, policy, info.context.today(), mark_value
        )
        return MarkForecast.from_domain(found)

    @strawberry.field(
        description="A student's running average per subject by week over a term (the current "
        "one when no ID), with the address of the same data as an SVG chart."
    )
    async def progress(
        self, info: Info, student_id: relay.GlobalID, term_id: relay.GlobalID | None = None
    ) -> Progress | None:
        scope = await _scope(info, student_id, term_id)
        policy = info.context.region_policy(scope.placement.region_code)
        found = await progress.progress(scope, policy)
        return Progress(
            term=Term.from_model(found.term),
            subjects=[SubjectProgress.from_domain(s) for s in found.subjects],
            chart_url=info.context.links.progress_chart(scope.student_id, found.term.id),
            as_of=info.context.today(),
            weeks_left=progress.weeks_left(found.term, info.context.today()),
        )

    @strawberry.field(
        description="A student's place in the class by average and the class average per "
        "subject over a term; to the family only when the school shows the class rating."
    )
    async def class_standing(
        self, info: Info, student_id: relay.GlobalID, term_id: relay.GlobalID | None = None
    ) -> ClassStanding | None:
        viewer = await info.context.require_viewer()
        scope = await _scope(info, student_id, term_id)
        policy = info.context.region_policy(scope.placement.region_code)
        return ClassStanding.from_domain(await rating.class_standing(viewer, scope, policy))

    @strawberry.field(
        description="The term report of a class (the current term when no ID), for its class "
        "teacher and the school's administration."
    )
    async def class_report(
        self, info: Info, class_id: relay.GlobalID, term_id: relay.GlobalID | None = None
    ) -> ClassReport | None:
        viewer = await info.context.require_viewer()
        found = await reports.class_report(
            viewer,
            local_id(class_id, "SchoolClass"),
            local_id(term_id, "Term") if term_id is not None else None,
            info.context.region_policy,
            info.context.today(),
        )
        return ClassReport.from_domain(found, info.context.links)

    @strawberry.field(
        description="The term report of a school with each of its classes (the current term "
        "when no ID), for the school's administration."
    )
    async def school_report(
        self, info: Info, school_id: relay.GlobalID, term_id: relay.GlobalID | None = None
    ) -> SchoolReport | None:
        viewer = await info.context.require_viewer()
        found = await reports.school_report(
            viewer,
            local_id(school_id, "School"),
            local_id(term_id, "Term") if term_id is not None else None,
            info.context.region_policy,
            info.context.today(),
        )
        return SchoolReport.from_domain(found, info.context.links)

    @strawberry.field(
        description="Term statistics of every school of a region, for its officials: the "
        "school's term with this number in this school year. Groups smaller than the "
        "threshold (EDIARY_REPORT_MIN_GROUP) come back suppressed."
    )
    async def regional_report(
        self,
        info: Info,
        region_code: Annotated[str, strawberry.argument(description="Code of the region.")],
        academic_year: Annotated[
            str, strawberry.argument(description='The school year, such as "2026/2027".')
        ],
        term_number: Annotated[
            int, strawberry.argument(description="The term of that year, 1 for the first.")
        ],
    ) -> RegionalReport | None:
        viewer = await info.context.require_viewer()
        found = await regional.regional_report(
            viewer,
            region_code,
            academic_year,
            term_number,
            info.context.region_policy,
            info.context.settings.report_min_group,
        )
        return RegionalReport.from_domain(found)

    @strawberry.field(
        description="Active calendar feeds of a student that the viewer may revoke: their own, "
        "and for the family, class teacher and administration, everyone's."
    )
    async def calendar_feeds(
        self, info: Info, student_id: relay.GlobalID
    ) -> list[CalendarFeed] | None:
        viewer = await info.context.require_viewer()
        found = await feeds.student_feeds(viewer, local_id(student_id, "Student"))
        return [CalendarFeed.from_model(f) for f in found]
