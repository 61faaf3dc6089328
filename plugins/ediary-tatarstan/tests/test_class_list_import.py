"""The class-list import through the kit: `run_import` with the plugin's backend, as
`ediary import tatarstan-class-list FILE --school ID` and an administrator's import job run it."""

from __future__ import annotations

from pathlib import Path

import pytest

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
from ediary.domain.identity import snils_with_check_sum
from ediary.domain.models import Enrollment, Guardianship, SchoolClass, User
from ediary.domain.reach import Reach
from ediary.testing import SmallWorld, add_school

TIMUR = snils_with_check_sum("300400500")
ILNUR_BAD = snils_with_check_sum("300400600")[:9] + "99"
HEADER = "Фамилия;Имя;Отчество;Дата рождения;Класс;СНИЛС;Родитель;Телефон родителя;E-mail родителя"
LINES = [
    "Список обучающихся",
    HEADER,
    f"Галиев;Тимур;Ильдарович;01.03.2015;5А;{TIMUR};Галиева Алия Рустамовна;8 917 123-45-67;"
    "aliya.galieva@mail.ru",
    "Хабибуллина;Эльвира;;12.05.2015;5 «а»;;Хабибуллин Марат;;",
    "Петров;Артём;;30.02.2015;5А;;;;",
    "Зарипов;Айдар;;02.02.2014;9В;;;;",
    f"Сидоров;Ильнур;;03.03.2014;5Б;{ILNUR_BAD};;;",
]


class Classes:
    def __init__(self, five_a: SchoolClass, five_b: SchoolClass, elsewhere: SchoolClass) -> None:
        self.five_a, self.five_b, self.elsewhere = five_a, five_b, elsewhere


@pytest.fixture(scope="module")
async def classes(world: SmallWorld) -> Classes:
    # Latin A, as a school that typed its classes on an English layout has it.
    five_a = await SchoolClass.create(
        school=world.school, academic_year=world.year, grade=5, letter="A"
    )
    five_b = await SchoolClass.create(
        school=world.school, academic_year=world.year, grade=5, letter="Б"
    )
    other = await add_school(
        world.region, "2", year=(world.year.starts_on, world.year.ends_on), terms=[]
    )
    elsewhere = await SchoolClass.create(
        school=other.school, academic_year=other.year, grade=9, letter="В"
    )
    return Classes(five_a, five_b, elsewhere)


@pytest.fixture
def class_list(tmp_path: Path) -> Path:
    path = tmp_path / "school.csv"
    path.write_bytes("\r\n".join(LINES).encode("cp1251"))
    return path


async def run(
    plugin_manager: PluginManager,
    settings: Settings,
    path: Path,
    reach: Reach,
    *,
    dry_run: bool = False,
    progress: ImportProgress | None = None,
) -> ImportReport:
    backend = backends_by_name(plugin_manager)["tatarstan-class-list"]
    context = import_context(settings, plugin_manager, reach, dry_run=dry_run, progress=progress)
    return await run_import(backend, path, context)


def admin_of(world: SmallWorld) -> Reach:
    return Reach(actor_id=world.admin.pk, schools=frozenset({world.school.pk}))


NAMES = ["Тимур", "Эльвира", "Артём", "Айдар", "Ильнур", "Алия", "Марат"]


async def test_a_dry_run_writes_nothing(
    plugin_manager: PluginManager,
    settings: Settings,
    world: SmallWorld,
    classes: Classes,
    class_list: Path,
) -> None:
    report = await run(plugin_manager, settings, class_list, admin_of(world), dry_run=True)

    assert report.counts == {"students": 3, "parents": 1, "guardians": 1}
    assert not await User.filter(first_name__in=NAMES).exists()


async def test_students_parents_and_enrollments_go_into_the_admins_school(
    plugin_manager: PluginManager,
    settings: Settings,
    world: SmallWorld,
    classes: Classes,
    class_list: Path,
) -> None:
    progress = ImportProgress()
    report = await run(plugin_manager, settings, class_list, admin_of(world), progress=progress)

    assert report.outcome is ImportOutcome.REJECTIONS and report.exit_code == 1
    assert report.counts == {"students": 3, "parents": 1, "guardians": 1}
    assert [problem.split(":")[0] for problem in report.problems] == [
        "line 5 [BAD_BIRTH_DATE]",
        "line 6 [NO_CLASS]",
    ]
    assert [warning.split(":")[0] for warning in report.warnings] == [
        "line 4 [NO_SNILS]",
        "line 4 [PARENT_SKIPPED]",
        "line 7 [BAD_SNILS]",
    ]
    assert (progress.total, progress.done) == (5, 5)

    timur = await User.get(snils=TIMUR)
    enrolled = await Enrollment.filter(school_class__school=world.school).values_list(
        "student__first_name", "school_class_id"
    )
    assert sorted(enrolled) == sorted(
        [
            (world.student.first_name, world.school_class.pk),
            ("Тимур", classes.five_a.pk),
            ("Эльвира", classes.five_a.pk),
            ("Ильнур", classes.five_b.pk),
        ]
    )
    mother = await User.get(login="aliya.galieva@mail.ru")
    assert (mother.last_name, mother.first_name, mother.middle_name, mother.phone) == (
        "Галиева",
        "Алия",
        "Рустамовна",
        "+79171234567",
    )
    assert await Guardianship.exists(parent=mother, student=timur)
    assert (await User.get(first_name="Ильнур")).snils is None

    again = await run(plugin_manager, settings, class_list, admin_of(world))
    assert again.counts == {"students": 3, "parents": 1}
    assert await User.filter(first_name__in=NAMES).count() == 4


async def test_a_class_of_another_school_is_left_alone(
    plugin_manager: PluginManager,
    settings: Settings,
    world: SmallWorld,
    classes: Classes,
    class_list: Path,
) -> None:
    report = await run(plugin_manager, settings, class_list, admin_of(world))

    assert "line 6 [NO_CLASS]: the school has no class 9В" in report.problems
    assert not await Enrollment.filter(school_class=classes.elsewhere).exists()
    assert not await User.filter(first_name="Айдар").exists()


async def test_a_reach_of_more_than_one_school_is_refused(
    plugin_manager: PluginManager,
    settings: Settings,
    world: SmallWorld,
    classes: Classes,
    class_list: Path,
) -> None:
    both = Reach(actor_id=None, schools=frozenset({world.school.pk, classes.elsewhere.school_id}))
    region = Reach(actor_id=None, regions=frozenset({world.region.code}))

    for reach in (both, region):
        report = await run(plugin_manager, settings, class_list, reach)
        assert report.outcome is ImportOutcome.REFUSED
        assert "belongs to one school" in (report.refusal or "")


async def test_a_file_that_is_not_a_class_list_is_refused(
    plugin_manager: PluginManager, settings: Settings, world: SmallWorld, tmp_path: Path
) -> None:
    path = tmp_path / "book.xlsx"
    path.write_bytes(b"PK\x03\x04 a workbook")

    report = await run(plugin_manager, settings, path, admin_of(world))

    assert report.outcome is ImportOutcome.REFUSED and report.exit_code == 2
    assert (report.refusal or "").startswith("[NOT_CSV]")


async def test_a_student_is_found_again_when_the_list_adds_their_snils(
    plugin_manager: PluginManager,
    settings: Settings,
    world: SmallWorld,
    classes: Classes,
    tmp_path: Path,
) -> None:
    row = "Садыкова;Лейсан;;04.04.2015;5Б;{}"
    path = tmp_path / "list.csv"
    path.write_text("\n".join([HEADER, row.format("")]), encoding="utf-8")
    await run(plugin_manager, settings, path, admin_of(world))
    first = await User.get(first_name="Лейсан")

    snils = snils_with_check_sum("300400700")
    path.write_text("\n".join([HEADER, row.format(snils)]), encoding="utf-8")
    report = await run(plugin_manager, settings, path, admin_of(world))

    assert report.counts == {"students": 1} and not report.problems
    again = await User.get(first_name="Лейсан")
    assert (again.id, again.snils) == (first.id, snils)
    assert await Enrollment.filter(student=again, school_class=classes.five_b).count() == 1
