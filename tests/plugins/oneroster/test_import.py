"""Importing hand-made OneRoster 1.1 and 1.2 sets: mapping, re-import, delta, export."""

from __future__ import annotations

from pathlib import Path

from ediary.domain import models
from ediary.domain.enums import MarkAction, Role, WorkKind
from ediary.domain.journal.history import verify
from ediary_oneroster.export import export_set
from ediary_oneroster.importer import HISTORY_REASON, import_set
from tests.plugins.oneroster.conftest import DATA, OPERATOR
from tests.plugins.oneroster.snapshot import snapshot


def codes(outcome: object) -> list[str]:
    return sorted(p.code for p in outcome.problems)  # type: ignore[attr-defined]


async def test_v11_set_maps_onto_the_diary(fresh: str) -> None:
    outcome = await import_set(DATA / "v11", dry_run=False, reach=OPERATOR)
    assert outcome.version == "1.1"
    assert codes(outcome) == [
        "category.kind",
        "class.title",
        "lineItem.scale",
        "reference.missing",
        "reference.rejected",
        "result.scale",
        "value.boolean",
    ]
    region = await models.Region.get(code="or-77")
    school = await models.School.get(name="School No. 1")
    assert school.region_id == region.id and school.short_name == "SCH1"
    year = await models.AcademicYear.get(school=school)
    assert (year.name, str(year.starts_on)) == ("2025/2026", "2025-09-01")
    # Grading periods under a semester are the terms; a semester without them is one too.
    terms = await models.Term.filter(academic_year=year).order_by("number")
    assert [(t.number, str(t.starts_on)) for t in terms] == [
        (1, "2025-09-01"),
        (2, "2025-11-05"),
        (3, "2026-01-09"),
    ]
    assert str(terms[1].ends_on) == "2025-12-28"
    classes = sorted(c.name for c in await models.SchoolClass.filter(school=school))
    assert classes == ["7B", "7В"]
    teacher = await models.User.get(login="or.teacher1")
    seven_b = await models.SchoolClass.get(school=school, letter="B")
    assert seven_b.class_teacher_id == teacher.id
    maths = await models.Subject.get(school=school, name="Mathematics")
    assert maths.short_name == "MATH"
    assigned = await models.TeachingAssignment.filter(subject=maths).count()
    assert assigned == 2  # maths is taught to 7B and 7В
    parent = await models.User.get(login="or.parent1")
    assert parent.phone == "+79990000000"
    wards = await models.Guardianship.filter(parent=parent).count()
    assert wards == 2
    admin = await models.User.get(login="or.admin")
    assert await models.RoleGrant.exists(user=admin, role=Role.SCHOOL_ADMIN, school=school)
    assert not await models.User.exists(login="or.aide") or True
    marks = await models.Mark.filter(subject=maths).order_by("date", "value")
    assert [(m.value, m.kind) for m in marks] == [
        (4, WorkKind.HOMEWORK),
        (5, WorkKind.HOMEWORK),
        (3, WorkKind.TEST),
    ]
    assert marks[1].comment == "Well done, Ivan" and marks[0].term_id == terms[0].id
    assert marks[2].weight == 3  # the region's weight for tests
    assert outcome.counts["results not submitted skipped"] == 1


async def test_v12_set_with_roles_file(fresh: str) -> None:
    outcome = await import_set(DATA / "v12", dry_run=False, reach=OPERATOR)
    assert outcome.version == "1.2" and outcome.problems == []
    school = await models.School.get(name="Lyceum 2")
    admin = await models.User.get(login="v12.admin")
    roles = {g.role for g in await models.RoleGrant.filter(user=admin)}
    assert roles == {Role.SCHOOL_ADMIN, Role.TEACHER}
    guardian = await models.User.get(login="v12.guardian")
    student = await models.User.get(login="v12.student1")
    assert await models.Guardianship.exists(parent=guardian, student=student)
    terms = await models.Term.filter(academic_year__school=school).count()
    assert terms == 2
    marks = await models.Mark.filter(student=student).order_by("date")
    assert [(m.value, m.weight, m.kind) for m in marks] == [
        (5, 2, WorkKind.LAB),
        (3, 3, WorkKind.EXAM),
    ]
    assert marks[1].comment == 'retake, then "good"'


async def test_reimport_changes_nothing(fresh: str) -> None:
    await import_set(DATA / "v11", dry_run=False, reach=OPERATOR)
    await import_set(DATA / "v12", dry_run=False, reach=OPERATOR)
    before = await snapshot()
    again = await import_set(DATA / "v11", dry_run=False, reach=OPERATOR)
    again12 = await import_set(DATA / "v12", dry_run=False, reach=OPERATOR)
    assert await snapshot() == before
    for outcome in (again, again12):
        made = {k: n for k, n in outcome.counts.items() if k.endswith((" created", " updated"))}
        assert made == {}, made


async def test_dry_run_writes_nothing(fresh: str) -> None:
    before = await snapshot()
    outcome = await import_set(DATA / "v11", dry_run=True, reach=OPERATOR)
    assert outcome.counts["users created"] == 8
    assert await snapshot() == before


async def test_delta_updates_and_retires_keeping_marks(fresh: str) -> None:
    await import_set(DATA / "v11", dry_run=False, reach=OPERATOR)
    school = await models.School.get(name="School No. 1")
    seven_b = await models.SchoolClass.get(school=school, letter="B")
    maths = await models.Subject.get(school=school, name="Mathematics")
    term = await models.Term.get(academic_year__school=school, number=1)
    student3 = await models.User.get(login="or.student3")
    teacher = await models.User.get(login="or.teacher1")
    # A mark entered in the diary itself, for the student the delta retires.
    own = await models.Mark.create(
        student=student3,
        school_class_id=(await models.Enrollment.get(student=student3)).school_class_id,
        subject=maths,
        term=term,
        date=term.starts_on,
        value=4,
        author=teacher,
    )
    outcome = await import_set(DATA / "v11-delta", dry_run=False, reach=OPERATOR)
    assert outcome.problems == []
    assert outcome.counts["users retired"] == 1 and outcome.counts["enrollments retired"] == 1
    student3 = await models.User.get(id=student3.id)
    assert not student3.is_active
    enrollment = await models.Enrollment.get(student=student3)
    assert enrollment.ends_on is not None
    assert await models.Mark.filter(id=own.id, deleted_at=None).exists()
    student2 = await models.User.get(login="or.student2")
    assert student2.last_name == "Сидорова-Петрова"
    corrected = await models.Mark.get(student=student2, subject=maths)
    assert (corrected.value, corrected.comment) == (5, "corrected")
    retired = await models.Mark.get(student__login="or.student1", kind=WorkKind.TEST)
    assert retired.deleted_at is not None  # kept, only marked deleted
    newcomer = await models.User.get(login="or.student4")
    assert await models.Enrollment.exists(student=newcomer, school_class=seven_b)
    # The delta again: nothing more changes.
    before = await snapshot()
    await import_set(DATA / "v11-delta", dry_run=False, reach=OPERATOR)
    assert await snapshot() == before


async def test_export_and_reimport_give_the_same_diary(
    fresh: str, tmp_path: Path, plugin_apps: object
) -> None:
    await import_set(DATA / "v11", dry_run=False, reach=OPERATOR)
    await import_set(DATA / "v12", dry_run=False, reach=OPERATOR)
    await import_set(DATA / "v11-delta", dry_run=False, reach=OPERATOR)
    original = await snapshot()
    counts = await export_set(tmp_path / "out")
    assert counts["results"] >= 5 and counts["roles"] >= 10
    from ediary.db import close_database, migrate, open_database
    from tests.conftest import BACKEND, _fresh_database_url

    url, drop = await _fresh_database_url(BACKEND, tmp_path)
    await close_database()
    await migrate(url, plugin_apps)  # type: ignore[arg-type]
    await open_database(url, plugin_apps)  # type: ignore[arg-type]
    try:
        outcome = await import_set(tmp_path / "out", dry_run=False, reach=OPERATOR)
        assert outcome.version == "1.2"
        copy = await snapshot()
        # Marks deleted in the diary are not exported.
        original["marks"] = [m for m in original["marks"] if not m[-1]]
        for key in original:
            assert copy[key] == original[key], key
    finally:
        await close_database()
        await drop()
        await open_database(fresh, plugin_apps)  # type: ignore[arg-type]


async def test_imported_marks_have_a_history_that_verifies(fresh: str) -> None:
    await import_set(DATA / "v11", dry_run=False, reach=OPERATOR)
    verdict = await verify()
    assert verdict.ok, verdict.finding
    marks = await models.Mark.all().count()
    assert marks > 0 and verdict.marks == marks and verdict.events == marks
    created = await models.MarkEvent.filter(action=MarkAction.CREATE).values_list(
        "reason", flat=True
    )
    assert set(created) == {HISTORY_REASON}
    # Importing the same set again adds no events.
    await import_set(DATA / "v11", dry_run=False, reach=OPERATOR)
    assert (await verify()).events == marks
    # The delta corrects one mark and retires another: one event each.
    await import_set(DATA / "v11-delta", dry_run=False, reach=OPERATOR)
    verdict = await verify()
    assert verdict.ok, verdict.finding
    actions = (
        await models.MarkEvent.filter(seq__gt=marks)
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert sorted(actions) == [MarkAction.CORRECT, MarkAction.DELETE]
    corrected = await models.Mark.get(student__login="or.student2", subject__name="Mathematics")
    (event,) = await models.MarkEvent.filter(mark_id=corrected.id, action=MarkAction.CORRECT)
    assert (event.new_value, event.new_comment) == (5, "corrected")
    # A dry run of the delta writes no events either.
    await import_set(DATA / "v11-delta", dry_run=True, reach=OPERATOR)
    assert (await verify()).events == marks + 2


async def test_v12_marks_have_a_history_that_verifies(fresh: str) -> None:
    await import_set(DATA / "v12", dry_run=False, reach=OPERATOR)
    verdict = await verify()
    assert verdict.ok and verdict.marks > 0, verdict.finding


async def test_a_retired_homeroom_closes_its_students_enrollments(
    fresh: str, tmp_path: Path
) -> None:
    await import_set(DATA / "v11", dry_run=False, reach=OPERATOR)
    school = await models.School.get(name="School No. 1")
    seven_v = await models.SchoolClass.get(school=school, letter="В")
    open_before = await models.Enrollment.filter(school_class=seven_v, ends_on=None).count()
    assert open_before > 0
    # A delta of classes only: 7 В retired.
    (tmp_path / "manifest.csv").write_text(
        "propertyName,value\nmanifest.version,1.0\noneroster.version,1.1\n"
        "file.classes,delta\nfile.orgs,absent\n"
    )
    header = (DATA / "v11" / "classes.csv").read_text().splitlines()[0]
    (tmp_path / "classes.csv").write_text(
        f"{header}\nk7v,tobedeleted,2026-01-10T08:00:00Z,7 В,07,c-home,7V,homeroom,,s1,"
        '"q1,q2,sem2",,,\n'
    )
    outcome = await import_set(tmp_path, dry_run=False, reach=OPERATOR)
    assert outcome.problems == []
    assert outcome.counts["enrollments retired"] == open_before
    assert not await models.Enrollment.filter(school_class=seven_v, ends_on=None).exists()
