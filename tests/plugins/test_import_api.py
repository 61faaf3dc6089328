"""The import API (ediary.domain.imports): accounts, enrollments, guardians and marks written
as the API writes them, within the importer's reach, with the marks' history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from ediary.domain import models
from ediary.domain.enums import MarkAction, Role
from ediary.domain.errors import InvalidFields, InvalidInput, NotFound
from ediary.domain.grading import DEFAULT_POLICY
from ediary.domain.imports import (
    IMPORT_REASON,
    AccountData,
    ImportedMark,
    ImportScope,
    enroll,
    link_guardian,
    record_mark,
    save_account,
)
from ediary.domain.journal.history import verify
from ediary.domain.reach import OutsideReach, Reach
from tests import builders

TODAY = date(2026, 10, 15)
TERMS = [(date(2026, 9, 1), date(2026, 12, 28))]


@dataclass
class Two:
    ours: builders.School
    theirs: builders.School
    scope: ImportScope


@pytest.fixture
async def two(fresh: str) -> Two:
    """Two schools of one region; the import reaches the first only."""
    ours = await builders.school("A", "imp", TERMS)
    theirs = await builders.school("B", "imp", TERMS)
    await builders.school_class(ours, "5A")
    await builders.school_class(theirs, "5B")
    reach = Reach(actor_id=None, schools=frozenset({ours.id}))
    return Two(ours, theirs, await ImportScope.open(reach, TODAY, lambda code: DEFAULT_POLICY))


def _account(login: str, **kw: object) -> AccountData:
    return AccountData(login=login, last_name="Petrova", first_name="Anna", **kw)  # type: ignore[arg-type]


async def test_a_student_parent_and_mark_make_a_consistent_whole(two: Two) -> None:
    scope, school_class = two.scope, two.ours.classes["5A"]
    student, created = await save_account(scope, _account("a.petrova", snils="11223344595"))
    assert created
    enrollment, new = await enroll(scope, student.id, school_class.id, date(2026, 9, 1))
    assert new and enrollment.ends_on is None
    assert (await enroll(scope, student.id, school_class.id, date(2026, 9, 1)))[1] is False
    assert await models.RoleGrant.exists(
        user_id=student.id, role=Role.STUDENT, school_id=two.ours.id
    )
    parent, _ = await save_account(scope, _account("p.petrov", email="p@example.org"))
    assert await link_guardian(scope, parent.id, student.id)
    assert await models.RoleGrant.exists(user_id=parent.id, role=Role.PARENT, school_id=two.ours.id)
    assert two.ours.teacher is not None
    subject = two.ours.subjects["Mathematics"]
    mark = await record_mark(
        scope,
        ImportedMark(
            student.id, school_class.id, subject.id, date(2026, 10, 1), 4, two.ours.teacher.id
        ),
    )
    assert (mark.term_id, mark.weight) == (
        two.ours.terms[0].id,
        DEFAULT_POLICY.weight_for(mark.kind),
    )
    (event,) = await models.MarkEvent.filter(mark_id=mark.id)
    assert (event.action, event.reason, event.actor_id) == (
        MarkAction.CREATE,
        IMPORT_REASON,
        two.ours.teacher.id,
    )
    verdict = await verify()
    assert verdict.ok and verdict.events == 1
    # Updating the account the import created keeps its id.
    again, created = await save_account(
        scope, _account("a.petrova", user_id=student.id, middle_name="I")
    )
    assert (again.id, again.middle_name, created) == (student.id, "I", False)


async def test_a_mark_is_checked_as_the_api_checks_it(two: Two) -> None:
    scope, school_class = two.scope, two.ours.classes["5A"]
    student, _ = await save_account(scope, _account("s.one"))
    stranger, _ = await save_account(scope, _account("s.two"))
    await enroll(scope, student.id, school_class.id, date(2026, 9, 1))
    assert two.ours.teacher is not None
    subject, teacher = two.ours.subjects["Mathematics"], two.ours.teacher.id

    async def problems(**kw: object) -> list[tuple[tuple[str, ...], str]]:
        fields = {
            "student_id": student.id,
            "class_id": school_class.id,
            "subject_id": subject.id,
            "on": date(2026, 10, 1),
            "value": 5,
            "author_id": teacher,
            **kw,
        }
        with pytest.raises(InvalidFields) as caught:
            await record_mark(scope, ImportedMark(**fields))  # type: ignore[arg-type]
        return [(p.path, p.code) for p in caught.value.problems]

    assert await problems(value=6) == [(("value",), "BAD_USER_INPUT")]
    assert await problems(weight=9) == [(("weight",), "BAD_USER_INPUT")]
    assert await problems(on=date(2026, 10, 16)) == [(("date",), "BAD_USER_INPUT")]
    assert await problems(on=date(2026, 8, 20)) == [
        (("date",), "BAD_USER_INPUT"),
        (("studentId",), "BAD_USER_INPUT"),
    ]
    assert await problems(student_id=stranger.id) == [(("studentId",), "BAD_USER_INPUT")]
    with pytest.raises(NotFound):
        await record_mark(
            scope,
            ImportedMark(
                student.id,
                school_class.id,
                two.theirs.subjects["Mathematics"].id,
                date(2026, 10, 1),
                5,
                teacher,
            ),
        )
    assert await models.Mark.all().count() == 0 and await models.MarkEvent.all().count() == 0


async def test_nothing_outside_the_reach_is_changed_or_linked(two: Two) -> None:
    scope = two.scope
    theirs_class = two.theirs.classes["5B"]
    outsider = await builders.student(None, two.theirs, theirs_class, "b.kid", "Kid", "B")
    mine, _ = await save_account(scope, _account("a.kid"))
    with pytest.raises(OutsideReach):
        await enroll(scope, mine.id, theirs_class.id, date(2026, 9, 1))
    with pytest.raises(OutsideReach):
        await save_account(scope, _account("b.kid.renamed", user_id=outsider.id))
    with pytest.raises(OutsideReach):
        await save_account(scope, _account("b.kid"))
    with pytest.raises(OutsideReach):
        await link_guardian(scope, mine.id, outsider.id)
    assert two.theirs.teacher is not None
    with pytest.raises(OutsideReach):
        await record_mark(
            scope,
            ImportedMark(
                outsider.id,
                theirs_class.id,
                two.theirs.subjects["Mathematics"].id,
                date(2026, 10, 1),
                5,
                two.theirs.teacher.id,
            ),
        )
    assert (await models.User.get(id=outsider.id)).login == "b.kid"


async def test_accounts_are_validated(two: Two) -> None:
    with pytest.raises(InvalidFields) as caught:
        await save_account(
            two.scope, AccountData(login="a b", last_name="", first_name="X", snils="12")
        )
    assert [p.path for p in caught.value.problems] == [("login",), ("lastName",), ("snils",)]
    await save_account(two.scope, _account("same"))
    with pytest.raises(InvalidInput):
        await save_account(two.scope, _account("same"))
    student, _ = await save_account(two.scope, _account("not.enrolled"))
    parent, _ = await save_account(two.scope, _account("parent.x"))
    with pytest.raises(InvalidInput):
        await link_guardian(two.scope, parent.id, student.id)
