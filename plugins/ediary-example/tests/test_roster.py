"""The roster import: students, parents and marks written through ediary's import API."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ediary.adapters import (
    ImportOutcome,
    PluginManager,
    backends_by_name,
    import_context,
    run_import,
)
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.enums import Role
from ediary.domain.journal.history import verify
from ediary.domain.reach import Reach


async def test_a_roster_is_imported_row_by_row_with_mark_history(
    plugin_manager: PluginManager, database: str, tmp_path: Path
) -> None:
    manager = plugin_manager
    region = await models.Region.create(code="example-roster", name="Roster")
    school = await models.School.create(region=region, name="Roster school", short_name="RS")
    year = await models.AcademicYear.create(
        school=school, name="2026/2027", starts_on=date(2026, 9, 1), ends_on=date(2027, 5, 31)
    )
    await models.Term.create(
        academic_year=year, number=1, starts_on=date(2026, 9, 1), ends_on=date(2026, 12, 28)
    )
    school_class = await models.SchoolClass.create(
        school=school, academic_year=year, grade=5, letter="A"
    )
    subject = await models.Subject.create(school=school, name="Mathematics", short_name="Math")
    teacher = await models.User.create(login="roster-teacher", last_name="T", first_name="T")
    await models.RoleGrant.create(user=teacher, role=Role.TEACHER, school=school)
    c, s = school_class.id, subject.id
    path = tmp_path / "roster.csv"
    path.write_text(
        f"student,r.kid,Petrova,Anna,{c},2026-09-01\n"
        "parent,r.mum,Petrova,Olga,r.kid\n"
        f"mark,r.kid,{c},{s},2026-10-01,5,roster-teacher\n"
        f"mark,r.kid,{c},{s},2026-10-02,9,roster-teacher\n"
        "parent,r.dad,Petrov,Ivan,nobody\n",
        encoding="utf-8",
    )
    backend = backends_by_name(manager)["example-roster"]
    settings = Settings(today=date(2026, 10, 15))
    reach = Reach(actor_id=None, schools=frozenset({school.id}))

    dry = await run_import(backend, path, import_context(settings, manager, reach, dry_run=True))
    assert dry.outcome is ImportOutcome.REJECTIONS and not await models.User.exists(login="r.kid")

    context = import_context(settings, manager, reach, dry_run=False)
    done = await run_import(backend, path, context)
    assert done.counts == {
        "students created": 1,
        "enrollments": 1,
        "parents created": 1,
        "guardians linked": 1,
        "marks": 1,
    }
    assert done.problems == [
        "row 4: value: A mark is from 1 to 5.",
        "row 5: no account 'nobody' in the diary or earlier in the file",
    ]
    assert (context.progress.done, context.progress.total) == (5, 5)
    # A rejected row leaves nothing of itself: the parent of row 5 was not kept.
    assert not await models.User.exists(login="r.dad")
    kid = await models.User.get(login="r.kid")
    assert await models.Guardianship.exists(parent__login="r.mum", student=kid)
    assert (await verify()).ok
