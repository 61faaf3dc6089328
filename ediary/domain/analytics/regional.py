"""The regional view: the term indicators of every school of a region, aggregated only.

No student is named and no group smaller than `min_group` is shown: a school with fewer
enrolled students is suppressed whole, and within a school any indicator group (the school
over all subjects, or one subject) with fewer graded students is suppressed on its own.
Suppressed values are None, never zero, so a reader cannot mistake them for figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ediary.domain.access import Viewer, may_see_region_report
from ediary.domain.analytics.indicators import AttendanceSummary, Indicators
from ediary.domain.analytics.reports import PolicyFor, gather, school_totals
from ediary.domain.errors import InvalidInput, NotFound
from ediary.domain.keys import fits_column
from ediary.domain.models import Region, School, SchoolClass, Term


@dataclass(frozen=True)
class RegionalSubject:
    # Subjects are a school's own; across schools they are matched by name.
    name: str
    indicators: Indicators


@dataclass(frozen=True)
class RegionalSchool:
    school: School
    # None when the school has no such term in that year.
    term: Term | None
    suppressed: bool
    students: int | None
    overall: Indicators
    subjects: list[RegionalSubject]
    attendance: AttendanceSummary | None
    at_risk: int | None


@dataclass(frozen=True)
class RegionalReport:
    region: Region
    academic_year: str
    term_number: int
    min_group: int
    schools: list[RegionalSchool]


_NOTHING = Indicators(None, None, None, None, None, None)


async def regional_report(
    viewer: Viewer,
    region_code: str,
    academic_year: str,
    term_number: int,
    policy_for: PolicyFor,
    min_group: int,
) -> RegionalReport:
    # A code longer than the column is no region's: unknown, like any other.
    region = (
        await Region.get_or_none(code=region_code)
        if fits_column(Region, "code", region_code)
        else None
    )
    if region is None or not may_see_region_report(viewer, region.id):
        raise NotFound()
    if term_number < 1:
        raise InvalidInput("Terms are numbered from 1.", field="termNumber")
    schools = (
        await School.filter(region_id=region.id).select_related("region").order_by("name", "id")
    )
    terms = await Term.filter(
        academic_year__school_id__in=[s.id for s in schools],
        academic_year__name=academic_year.strip(),
        number=term_number,
    ).select_related("academic_year")
    term_of = {t.academic_year.school_id: t for t in terms}
    classes_of: dict[int, list[SchoolClass]] = defaultdict(list)
    if terms:
        year_ids = [t.academic_year_id for t in terms]
        for school_class in await SchoolClass.filter(academic_year_id__in=year_ids):
            classes_of[school_class.school_id].append(school_class)
    policy = policy_for(region.code)
    facts = await gather(
        [(term_of[s.id], classes_of[s.id]) for s in schools if s.id in term_of],
        policy,
        with_names=False,
    )
    rows = []
    for school in schools:
        term = term_of.get(school.id)
        if term is None:
            rows.append(RegionalSchool(school, None, False, None, _NOTHING, [], None, None))
            continue
        report = school_totals(classes_of[school.id], facts, policy)
        if report.students < min_group:
            hidden = _NOTHING.suppress_below(min_group)
            rows.append(RegionalSchool(school, term, True, None, hidden, [], None, None))
            continue
        subjects = [
            RegionalSubject(row.subject.name, row.indicators.suppress_below(min_group))
            for row in report.subjects
        ]
        rows.append(
            RegionalSchool(
                school=school,
                term=term,
                suppressed=False,
                students=report.students,
                overall=report.overall.suppress_below(min_group),
                subjects=subjects,
                attendance=report.attendance,
                at_risk=report.at_risk,
            )
        )
    return RegionalReport(region, academic_year.strip(), term_number, min_group, rows)
