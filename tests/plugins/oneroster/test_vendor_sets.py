"""Sets written the way Clever, ClassLink, PowerSchool and Infinite Campus export OneRoster
(data/*/README.md says which habit each file shows): each imports with warnings only."""

from __future__ import annotations

from ediary.adapters import ImportOutcome
from ediary.domain import models
from ediary.domain.reach import Reach
from tests.plugins.oneroster.conftest import DATA
from tests.plugins.oneroster.vendors import codes, run


def people_classes_enrollments(counts: dict[str, int]) -> tuple[int, int, int, int]:
    return (
        counts.get("users created", 0),
        counts.get("classes created", 0),
        counts.get("scheduled classes created", 0),
        counts.get("enrollments created", 0),
    )


async def test_clever_style_single_school_without_a_district(fresh: str) -> None:
    report = await run(DATA / "clever", Reach(actor_id=None, regions=frozenset({"77"})))
    assert (report.outcome, report.exit_code, report.problems) == (ImportOutcome.WARNINGS, 0, [])
    assert people_classes_enrollments(report.counts) == (6, 2, 1, 4)
    assert sorted(set(codes(report.warnings))) == ["column.extra", "org.no_district"]
    school = await models.School.get(short_name="GYM5").prefetch_related("region")
    assert school.region.code == "77"


async def test_classlink_style_bom_crlf_metadata_and_departments(fresh: str) -> None:
    report = await run(DATA / "classlink")
    assert (report.outcome, report.exit_code, report.problems) == (ImportOutcome.WARNINGS, 0, [])
    assert people_classes_enrollments(report.counts) == (5, 1, 1, 3)
    assert {"column.metadata", "org.department", "status.inactive"} <= set(codes(report.warnings))
    biology = await models.Subject.get(name="Biology").prefetch_related("school")
    assert biology.school.short_name == "SCH12"
    assert not (await models.User.get(login="sch12.lebedev")).is_active


async def test_powerschool_style_trailing_commas_and_us_dates(fresh: str) -> None:
    report = await run(DATA / "powerschool")
    assert (report.outcome, report.exit_code, report.problems) == (ImportOutcome.WARNINGS, 0, [])
    assert people_classes_enrollments(report.counts) == (4, 1, 1, 3)
    assert {"row.trailing", "date.style", "metadata.date", "column.name"} <= set(
        codes(report.warnings)
    )
    year = await models.AcademicYear.get(name="2024-2025")
    assert (str(year.starts_on), str(year.ends_on)) == ("2024-08-26", "2025-06-06")
    assert report.counts["demographics created"] == 3


async def test_infinite_campus_style_day_month_dates_short_rows_and_gradebook(
    fresh: str,
) -> None:
    report = await run(DATA / "infinite-campus")
    assert (report.outcome, report.exit_code, report.problems) == (ImportOutcome.WARNINGS, 0, [])
    assert people_classes_enrollments(report.counts) == (4, 1, 1, 2)
    assert report.counts["marks created"] == 4
    assert {"row.short", "date.style", "metadata.date", "org.department"} <= set(
        codes(report.warnings)
    )
    year = await models.AcademicYear.get(name="2024-25")
    assert (str(year.starts_on), str(year.ends_on)) == ("2024-09-02", "2025-05-30")
    # One line per file and kind, however many rows: 6 enrollments, one date warning.
    dated = [w for w in report.warnings if w.startswith("enrollments.csv: [date.style]")]
    assert len(dated) == 1 and "(6 rows, the first on row 2)" in dated[0]
