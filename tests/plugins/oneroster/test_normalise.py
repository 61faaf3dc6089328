"""One test per shape of real exports the tolerant reader takes (issue 15): each imports with
warnings where the strict reading rejected rows, and `--strict` still rejects them."""

from __future__ import annotations

from pathlib import Path

from ediary.adapters import ImportOutcome
from ediary.domain import models
from ediary.domain.reach import Reach
from tests.plugins.oneroster.vendors import codes, copy_set, run

ORGS = "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


async def test_a_department_named_as_the_school_is_read_as_its_school(
    fresh: str, tmp_path: Path
) -> None:
    path = copy_set(tmp_path, "v11")
    # The teacher's org and her classes name the maths department, not the school.
    edit(path / "users.csv", "t1,,,true,s1,teacher", "t1,,,true,dep1,teacher")
    edit(path / "classes.csv", "M7,scheduled,,s1,", "M7,scheduled,,dep1,")
    strict = await run(path, dry_run=True, strict=True)
    assert "reference.missing" in codes(strict.problems)
    report = await run(path)
    assert sorted(codes(report.problems)) == V11_REJECTED
    assert "org.department" in codes(report.warnings)
    # The chain behind it goes through: the teacher's role, her class, its enrollments.
    school = await models.School.get(short_name="SCH1")
    teacher = await models.User.get(login="or.teacher1")
    assert await models.RoleGrant.exists(user=teacher, school=school)
    assert await models.TeachingAssignment.filter(teacher=teacher).count() == 2


# What the hand-made v11 set rejects for reasons of its data, read tolerantly or not.
V11_REJECTED = [
    "category.kind",
    "class.title",
    "lineItem.scale",
    "reference.missing",
    "reference.rejected",
    "result.scale",
    "value.boolean",
]


async def test_a_set_without_a_department_type_school_reads_its_top_org_as_the_school(
    fresh: str, tmp_path: Path
) -> None:
    path = copy_set(tmp_path, "v11")
    (path / "orgs.csv").write_text(
        ORGS + "d1,,,Test District,district,or-77,\ns1,,,School No. 1,local,SCH1,d1\n"
    )
    report = await run(path)
    assert sorted(codes(report.problems)) == V11_REJECTED
    assert "org.as_school" in codes(report.warnings)
    assert await models.School.exists(short_name="SCH1")


async def test_a_set_without_a_district_takes_the_region_of_the_command_line(
    fresh: str, tmp_path: Path
) -> None:
    path = copy_set(tmp_path, "v11")
    (path / "orgs.csv").write_text(ORGS + "s1,,,School No. 1,school,SCH1,\n")
    await models.Region.create(code="or-77", name="Moscow")
    one_region = Reach(actor_id=None, regions=frozenset({"or-77"}))
    strict = await run(path, one_region, dry_run=True, strict=True)
    assert "org.no_district" in codes(strict.problems)
    report = await run(path, one_region)
    assert sorted(codes(report.problems)) == V11_REJECTED
    school = await models.School.get(short_name="SCH1").prefetch_related("region")
    # The region is used, never renamed after the set.
    assert (school.region.code, school.region.name) == ("or-77", "Moscow")


async def test_a_set_without_a_district_takes_the_region_of_the_setting(
    fresh: str, tmp_path: Path
) -> None:
    path = copy_set(tmp_path, "v11")
    (path / "orgs.csv").write_text(ORGS + "s1,,,School No. 1,school,SCH1,\n")
    # Two regions named: which one is the set's comes from the plugin's setting.
    without = await run(path, dry_run=True)
    assert "org.no_district" in codes(without.problems)
    report = await run(path, extra={"EDIARY_ONEROSTER_REGION": "or-12"})
    assert sorted(codes(report.problems)) == V11_REJECTED
    school = await models.School.get(short_name="SCH1").prefetch_related("region")
    assert school.region.code == "or-12"


async def test_a_set_without_a_district_goes_into_the_importing_schools_region(
    fresh: str, tmp_path: Path
) -> None:
    region = await models.Region.create(code="or-55", name="Omsk")
    school = await models.School.create(name="Ours", short_name="O", region=region)
    path = copy_set(tmp_path, "clever")
    report = await run(path, Reach(actor_id=None, schools=frozenset({school.id})))
    assert (report.exit_code, report.problems) == (0, [])
    assert await models.SchoolClass.filter(school=school).count() == 2


async def test_ambiguous_dates_need_the_date_order_and_are_said_once_per_file(
    fresh: str, tmp_path: Path
) -> None:
    path = copy_set(tmp_path, "v11")
    sessions = path / "academicSessions.csv"
    for iso, local in (
        ("2025-09-01", "1/09/2025"),
        ("2026-05-31", "1/05/2026"),
        ("2025-12-28T00:00:00Z", "1/12/2025"),
        ("2025-12-28", "1/12/2025"),
        ("2025-10-26", "1/10/2025"),
        ("2025-11-05", "2/11/2025"),
        ("2026-01-09", "9/01/2026"),
    ):
        edit(sessions, iso, local)
    report = await run(path, dry_run=True)
    assert report.exit_code == 1
    ambiguous = [line for line in report.problems if "[date.ambiguous]" in line]
    assert len(ambiguous) == 1 and "(5 rows, the first on row 2)" in ambiguous[0]
    assert "--date-order DMY or MDY" in ambiguous[0]
    report = await run(path, date_order="DMY")
    # The ambiguous dates are other days than the set's own (the first term now ends on
    # 1 December), so a mark given after that is in no term of the set.
    assert sorted(codes(report.problems)) == sorted([*V11_REJECTED, "result.term"])
    assert "date.order" in codes(report.warnings)
    year = await models.AcademicYear.get(name="2025/2026")
    assert (str(year.starts_on), str(year.ends_on)) == ("2025-09-01", "2026-05-01")


async def test_a_date_with_a_day_over_12_is_read_with_a_warning(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path, "v11")
    edit(path / "demographics.csv", "2012-07-15", "15/07/2012")
    edit(path / "users.csv", "t1,,,", "t1,,1/05/2023,")
    edit(path / "orgs.csv", "d1,,,", "d1,,2017-05-06 08:01:05,")
    strict = await run(path, dry_run=True, strict=True)
    assert {"value.date", "value.datetime"} <= set(codes(strict.problems))
    report = await run(path)
    assert sorted(codes(report.problems)) == V11_REJECTED
    assert {"date.style", "metadata.date"} <= set(codes(report.warnings))
    assert report.counts["demographics created"] == 2


async def test_column_names_of_1_0_and_vendors_are_mapped(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path, "v11")
    edit(path / "users.csv", "agentSourcedIds", "agents")
    edit(path / "classes.csv", "termSourcedIds", "termSourcedId")
    edit(path / "demographics.csv", "sourcedId,", "userSourcedId,")
    edit(path / "orgs.csv", "sourcedId,status", "SourcedId,Status")
    strict = await run(path, dry_run=True, strict=True)
    assert strict.outcome is ImportOutcome.REFUSED
    report = await run(path)
    assert sorted(codes(report.problems)) == V11_REJECTED
    assert report.counts["guardianships created"] == 2
    assert report.counts["demographics created"] == 2


async def test_status_values_in_any_case_and_inactive(fresh: str, tmp_path: Path) -> None:
    path = copy_set(tmp_path, "v11")
    edit(path / "users.csv", "st2,,,", "st2,Inactive,,")
    edit(path / "users.csv", "st1,,,", "st1,ACTIVE,,")
    edit(path / "users.csv", "st3,,,", "st3,pending,,")
    strict = await run(path, dry_run=True, strict=True)
    assert codes(strict.problems).count("value.status") == 2
    report = await run(path)
    assert sorted(codes(report.problems)) == V11_REJECTED
    assert {"status.inactive", "status.unknown"} <= set(codes(report.warnings))
    assert not (await models.User.get(login="or.student2")).is_active
    assert (await models.User.get(login="or.student1")).is_active


async def test_rows_one_cell_long_or_short_bom_crlf_and_quoted_newlines(
    fresh: str, tmp_path: Path
) -> None:
    path = copy_set(tmp_path, "v11")
    users = path / "users.csv"
    lines = users.read_text(encoding="utf-8").splitlines()
    lines[1] += ","  # a trailing comma
    lines[2] = lines[2][: lines[2].rindex(",")]  # the last empty cell left out
    lines[3] = lines[3].replace(",Vera,", ',"Vera\r\nMaria",')
    users.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode() + b"\r\n")
    strict = await run(path, dry_run=True, strict=True)
    assert codes(strict.problems).count("row.width") == 2
    report = await run(path)
    assert sorted(codes(report.problems)) == V11_REJECTED
    assert {"row.trailing", "row.short"} <= set(codes(report.warnings))
    admin = await models.User.get(login="or.admin")
    assert admin.first_name == "Vera\r\nMaria"


async def test_a_problem_in_an_optional_file_leaves_that_file_out(
    fresh: str, tmp_path: Path
) -> None:
    path = copy_set(tmp_path, "v11")
    (path / "demographics.csv").write_text("sourcedId,birthDate\nst1,2012-03-04\nst1,2012-03-04\n")
    strict = await run(path, dry_run=True, strict=True)
    assert strict.outcome is ImportOutcome.REFUSED
    report = await run(path)
    assert report.outcome is ImportOutcome.REJECTIONS and report.exit_code == 1
    assert "demographics.csv: [sourcedId.duplicate] the file was left out" in "\n".join(
        report.problems
    )
    assert report.counts["users created"] == 8


async def test_the_same_quirk_in_many_rows_is_one_warning_with_a_count(
    fresh: str, tmp_path: Path
) -> None:
    path = copy_set(tmp_path, "v12")
    rows = ["sourcedId,status,dateLastModified,birthDate,sex"]
    rows += ["u-s1,Active,1/05/2023,2009-01-20,male"]
    (path / "demographics.csv").write_text("\n".join(rows) + "\n")
    results = path / "results.csv"
    extra = "".join(f"rx{n},active,1/05/2023,l1,u-s2,not submitted,,,,ph10\n" for n in range(3000))
    results.write_text(results.read_text() + extra)
    report = await run(path, dry_run=True)
    assert (report.exit_code, report.problems) == (0, [])
    dated = [w for w in report.warnings if w.startswith("results.csv: [metadata.date]")]
    assert len(dated) == 1 and "(3000 rows" in dated[0]
