"""The class-list part of the import API (ediary.domain.class_lists): students and parents
found again on a second run, the school's classes by the names lists give them, and one
school per list; all within the importer's reach."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from ediary.domain import models
from ediary.domain.class_lists import (
    ListedParent,
    ListedStudent,
    OneSchoolOnly,
    PersonName,
    current_classes,
    import_line,
    import_parent,
    import_student,
    one_school,
    student_login,
)
from ediary.domain.errors import DomainError, InvalidInput
from ediary.domain.grading import DEFAULT_POLICY
from ediary.domain.identity import snils_with_check_sum
from ediary.domain.imports import AccountData, ImportScope, enroll, save_account
from ediary.domain.reach import OutsideReach, Reach
from tests import builders

TODAY = date(2026, 10, 15)
TERMS = [(date(2026, 9, 1), date(2026, 12, 28))]
ANNA = PersonName("Петрова", "Анна", "Игоревна")
BORN = date(2015, 9, 1)


@dataclass
class Two:
    ours: builders.School
    theirs: builders.School
    scope: ImportScope


@pytest.fixture
async def two(fresh: str) -> Two:
    """Two schools of one region; the import reaches the first only. Our 5A has a Latin A."""
    ours = await builders.school("A", "cls", TERMS)
    theirs = await builders.school("B", "cls", TERMS)
    await builders.school_class(ours, "5A")
    await builders.school_class(theirs, "5Б")
    reach = Reach(actor_id=None, schools=frozenset({ours.id}))
    return Two(ours, theirs, await ImportScope.open(reach, TODAY, lambda code: DEFAULT_POLICY))


async def test_the_schools_classes_by_the_names_lists_give_them(two: Two) -> None:
    assert await current_classes(two.ours.id, TODAY) == {(5, "А"): two.ours.classes["5A"].id}
    # Not a class of the year under way.
    assert await current_classes(two.ours.id, date(2031, 10, 1)) == {}


async def test_one_school_and_only_one(two: Two) -> None:
    assert await one_school(Reach(actor_id=None, schools=frozenset({two.ours.id}))) == two.ours.id
    for reach in (
        Reach(actor_id=None, schools=frozenset({two.ours.id, two.theirs.id})),
        Reach(actor_id=None, regions=frozenset({"cls"})),
        Reach(actor_id=None, schools=frozenset({two.theirs.id + 100})),
    ):
        with pytest.raises(OneSchoolOnly):
            await one_school(reach)


async def test_a_second_run_finds_the_student_and_the_parent_again(two: Two) -> None:
    scope, class_id = two.scope, two.ours.classes["5A"].id
    listed = ListedStudent(ANNA, BORN)
    parent = ListedParent(PersonName("Петров", "Игорь"), phone="+79171234567")

    for run in range(2):
        student, created = await import_student(scope, two.ours.id, listed, class_id)
        assert created is (run == 0)
        assert await import_parent(scope, parent, student.id) is (run == 0)

    assert student.login == student_login(two.ours.id, listed)
    assert await models.User.filter(last_name="Петрова").count() == 1
    assert await models.Enrollment.filter(student=student).count() == 1
    father = await models.User.get(login="+79171234567")
    assert await models.Guardianship.exists(parent=father, student=student)


async def test_a_student_is_found_again_when_a_later_list_adds_the_snils(two: Two) -> None:
    class_id = two.ours.classes["5A"].id
    first, _ = await import_student(two.scope, two.ours.id, ListedStudent(ANNA, BORN), class_id)
    snils = snils_with_check_sum("500600700")

    again, created = await import_student(
        two.scope, two.ours.id, ListedStudent(ANNA, BORN, snils), class_id
    )

    assert (again.id, again.snils, created) == (first.id, snils, False)


async def test_a_student_of_another_school_is_not_taken_by_snils(two: Two) -> None:
    snils = snils_with_check_sum("500600800")
    theirs = Reach(actor_id=None, schools=frozenset({two.theirs.id}))
    their_scope = await ImportScope.open(theirs, TODAY, lambda code: DEFAULT_POLICY)
    other, _ = await save_account(their_scope, AccountData("other", "Петрова", "Анна", snils=snils))
    await enroll(their_scope, other.id, two.theirs.classes["5Б"].id, TODAY)

    with pytest.raises(OutsideReach):
        await import_student(
            two.scope, two.ours.id, ListedStudent(ANNA, BORN, snils), two.ours.classes["5A"].id
        )
    assert await models.User.filter(last_name="Петрова").count() == 1


async def test_a_parent_without_an_email_or_a_phone_is_refused(two: Two) -> None:
    student, _ = await import_student(
        two.scope, two.ours.id, ListedStudent(ANNA, BORN), two.ours.classes["5A"].id
    )

    with pytest.raises(InvalidInput, match="e-mail or a phone"):
        await import_parent(two.scope, ListedParent(PersonName("Петров", "Игорь")), student.id)


async def test_a_line_keeps_its_student_when_its_parent_is_refused(two: Two) -> None:
    class_id = two.ours.classes["5A"].id
    no_login = ListedParent(PersonName("Петров", "Игорь"))  # neither e-mail nor phone
    line = await import_line(two.scope, two.ours.id, class_id, ListedStudent(ANNA, BORN), no_login)
    assert line.student is not None and line.refused is None
    assert isinstance(line.parent_refused, InvalidInput) and line.guardian_linked is None
    assert not await models.Guardianship.filter(student_id=line.student.id).exists()

    unnamed = DomainError("no name")  # a parent the backend could not read
    again = await import_line(two.scope, two.ours.id, class_id, ListedStudent(ANNA, BORN), unnamed)
    assert again.student is not None and again.student.id == line.student.id
    assert again.parent_refused is unnamed

    parent = ListedParent(PersonName("Петров", "Игорь"), phone="+79171234567")
    linked = await import_line(two.scope, two.ours.id, class_id, ListedStudent(ANNA, BORN), parent)
    assert (linked.parent_refused, linked.guardian_linked) == (None, True)


async def test_a_refused_line_leaves_nothing(two: Two) -> None:
    users = await models.User.all().count()
    theirs = two.theirs.classes["5Б"].id  # a class outside the reach
    parent = ListedParent(PersonName("Петров", "Игорь"), phone="+79171234567")
    line = await import_line(two.scope, two.ours.id, theirs, ListedStudent(ANNA, BORN), parent)
    assert line.student is None and line.refused is not None
    assert line.guardian_linked is None
    assert await models.User.all().count() == users
