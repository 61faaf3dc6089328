"""The spreadsheet import through the kit: `run_import` with the plugin's backend, as
`ediary import spreadsheet FILE --school ID` and an administrator's import job run it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from school_files import OTHERS, fresh_snils, school_csv, school_workbook, timur

from ediary.adapters import (
    ImportOutcome,
    ImportProgress,
    ImportReport,
    PluginManager,
    backends_by_name,
    import_context,
    run_import,
)
from ediary.config import Settings
from ediary.domain.models import Enrollment, Guardianship, School, SchoolClass, User
from ediary.domain.reach import Reach
from ediary.testing import SmallWorld, add_school

NAMES = ["Тимур", "Эльвира", "Артём", "Айдар", "Ильнур", "Алия", "Марат", "Анна"]
MAPPING = [
    "read the sheet «5А»",
    "header in rows 3–4",
    "column A «№»: not read (row numbers)",
    "column B «ФИО» → student's full name",
    "column C «Класс» → class",
    "column D «Дата рождения» → birth date",
    "column E «СНИЛС» → SNILS",
    "column F «Родитель / ФИО» → parent's full name",
    "column G «Родитель / Телефон» → parent's phone",
    "column H «Родитель / E-mail» → parent's e-mail",
    "column I «Примечание»: not read (not a column this import knows)",
]


@dataclass
class Schools:
    """A school of its own for each test (the world is shared), with 5А written with a Latin
    A as a school typing on an English layout has it, and 9В at another school."""

    ours: School
    five_a: SchoolClass
    elsewhere: SchoolClass

    @property
    def admin(self) -> Reach:
        return Reach(actor_id=None, schools=frozenset({self.ours.pk}))


_keys = iter(range(100, 1000))


@pytest.fixture
async def schools(world: SmallWorld) -> Schools:
    year = (world.year.starts_on, world.year.ends_on)
    ours = await add_school(world.region, f"s{next(_keys)}", year=year, terms=[])
    other = await add_school(world.region, f"s{next(_keys)}", year=year, terms=[])
    five_a = await SchoolClass.create(
        school=ours.school, academic_year=ours.year, grade=5, letter="A"
    )
    elsewhere = await SchoolClass.create(
        school=other.school, academic_year=other.year, grade=9, letter="В"
    )
    return Schools(ours.school, five_a, elsewhere)


async def run(
    plugin_manager: PluginManager,
    settings: Settings,
    path: Path,
    reach: Reach,
    *,
    dry_run: bool = False,
    progress: ImportProgress | None = None,
) -> ImportReport:
    backend = backends_by_name(plugin_manager)["spreadsheet"]
    context = import_context(settings, plugin_manager, reach, dry_run=dry_run, progress=progress)
    return await run_import(backend, path, context)


async def ours(schools: Schools) -> list[str]:
    """The first names of the students enrolled at our school."""
    return sorted(
        await Enrollment.filter(school_class__school=schools.ours).values_list(
            "student__first_name", flat=True
        )
    )


def codes(lines: list[str]) -> list[str]:
    return [line.split(":")[0] for line in lines]


@pytest.mark.parametrize("made", [school_workbook, school_csv], ids=["xlsx", "cp1251-csv"])
async def test_the_class_list_as_the_school_wrote_it(
    plugin_manager: PluginManager,
    settings: Settings,
    schools: Schools,
    tmp_path: Path,
    made: object,
) -> None:
    assert callable(made)
    snils = fresh_snils()
    path = made(tmp_path / "list", [timur(snils, f"Aliya.{snils}@mail.ru"), *OTHERS])
    progress = ImportProgress()

    report = await run(plugin_manager, settings, path, schools.admin, progress=progress)

    assert report.outcome is ImportOutcome.REJECTIONS and report.exit_code == 1
    assert report.counts == {"students": 3, "parents": 1, "guardians": 1}
    assert report.notes[2:] == [*MAPPING[2:], "row 12: not read (a totals row)"]
    assert codes(report.problems) == [
        "row 9 [NO_CLASS]",
        "row 10 [BAD_SNILS]",
        "row 11 [NO_NAME]",
    ]
    assert codes(report.warnings) == [
        "column I [UNKNOWN_COLUMN]",
        "row 6 [BAD_PHONE]",
        "row 6 [PARENT_SKIPPED]",
    ]
    assert (progress.total, progress.done) == (7, 7)
    assert await ours(schools) == ["Артём", "Тимур", "Эльвира"]
    student = await User.get(snils=snils)
    assert (student.last_name, student.first_name, student.middle_name) == (
        "Галиев",
        "Тимур",
        "Ильдарович",
    )
    mother = await User.get(login=f"aliya.{snils}@mail.ru")
    assert (mother.last_name, mother.middle_name, mother.phone) == (
        "Галиева",
        "Рустамовна",
        "+79171234567",
    )
    assert await Guardianship.exists(parent=mother, student=student)
    # Another school's 9В is not touched, and a rejected row leaves nobody behind.
    assert not await Enrollment.filter(school_class=schools.elsewhere).exists()
    assert not await Enrollment.filter(
        student__first_name__in=["Айдар", "Ильнур", "Анна"], school_class=schools.five_a
    ).exists()


async def test_a_dry_run_shows_the_mapping_and_writes_nothing(
    plugin_manager: PluginManager, settings: Settings, schools: Schools, tmp_path: Path
) -> None:
    before = await User.all().count()
    snils = fresh_snils()
    path = school_workbook(tmp_path / "list.xlsx", [timur(snils, f"{snils}@mail.ru"), *OTHERS])

    report = await run(plugin_manager, settings, path, schools.admin, dry_run=True)

    assert report.dry_run and report.notes[: len(MAPPING)] == MAPPING
    assert report.counts == {"students": 3, "parents": 1, "guardians": 1}
    assert await User.all().count() == before and await ours(schools) == []


async def test_importing_the_same_list_again_changes_nothing(
    plugin_manager: PluginManager, settings: Settings, schools: Schools, tmp_path: Path
) -> None:
    # No SNILS at all: found again by the school, the names and the birth date.
    path = school_workbook(tmp_path / "list.xlsx", OTHERS[:2])
    await run(plugin_manager, settings, path, schools.admin)
    accounts = await User.all().values_list("id", "login", "last_name", "phone")

    again = await run(plugin_manager, settings, path, schools.admin)

    assert again.counts == {"students": 2} and not again.problems
    assert await User.all().values_list("id", "login", "last_name", "phone") == accounts
    assert await Enrollment.filter(school_class=schools.five_a).count() == 2


async def test_an_administrators_list_never_reaches_another_school(
    plugin_manager: PluginManager,
    settings: Settings,
    world: SmallWorld,
    schools: Schools,
    tmp_path: Path,
) -> None:
    # The other school's student, with the SNILS our list gives to someone else.
    snils = fresh_snils()
    theirs = Reach(actor_id=None, schools=frozenset({schools.elsewhere.school_id}))
    their_list = school_workbook(
        tmp_path / "theirs.xlsx",
        [[1, "Зарипов Айдар", "9В", "02.02.2014", snils, None, None, None, None]],
    )
    assert (await run(plugin_manager, settings, their_list, theirs)).counts == {"students": 1}
    admin = Reach(actor_id=world.admin.pk, schools=frozenset({schools.ours.pk}))
    aidar = await User.get(snils=snils)
    our_list = school_workbook(tmp_path / "ours.xlsx", [timur(snils, f"{snils}@mail.ru"), *OTHERS])

    report = await run(plugin_manager, settings, our_list, admin)

    assert codes(report.problems)[:2] == ["row 5 [OUTSIDE_REACH]", "row 9 [NO_CLASS]"]
    again = await User.get(id=aidar.id)
    assert (again.first_name, again.login) == ("Айдар", aidar.login)
    assert await Enrollment.filter(student=again).count() == 1


async def test_a_list_for_more_than_one_school_is_refused(
    plugin_manager: PluginManager, settings: Settings, schools: Schools, tmp_path: Path
) -> None:
    both = Reach(actor_id=None, schools=frozenset({schools.ours.pk, schools.elsewhere.school_id}))

    report = await run(plugin_manager, settings, school_workbook(tmp_path / "l.xlsx", OTHERS), both)

    assert report.outcome is ImportOutcome.REFUSED and report.exit_code == 2
    assert "belongs to one school" in (report.refusal or "")


async def test_a_sheet_without_a_class_column_is_refused_with_its_mapping(
    plugin_manager: PluginManager, settings: Settings, schools: Schools, tmp_path: Path
) -> None:
    path = tmp_path / "names.csv"
    path.write_text("Фамилия,Имя,Дата рождения\nПетров,Артём,03.02.2015\n", encoding="utf-8-sig")

    report = await run(plugin_manager, settings, path, schools.admin)

    assert report.outcome is ImportOutcome.REFUSED
    assert report.refusal == "[MISSING_COLUMNS] the header has no column Класс"
    assert report.notes[2] == "column A «Фамилия» → student's last name"
