"""The import API (ediary.domain.imports): accounts, enrollments, guardians and marks written
as the API writes them, within the importer's reach, with the marks' history."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date

import pytest
from tortoise.transactions import in_transaction

from ediary.db import count_statements
from ediary.domain import models
from ediary.domain.enums import MarkAction, Role
from ediary.domain.errors import InvalidFields, InvalidInput, NotFound
from ediary.domain.grading import DEFAULT_POLICY
from ediary.domain.imports import (
    IMPORT_REASON,
    AccountData,
    ClassTeacherData,
    EnrollmentData,
    GuardianLink,
    ImportedMark,
    ImportScope,
    MarkWriter,
    RecordedMark,
    SavedAccount,
    SavedEnrollment,
    SavedTeaching,
    SavedTerm,
    TeachingData,
    TermData,
    assign_teachers,
    enroll,
    enroll_many,
    link_guardian,
    link_guardians,
    record_mark,
    record_marks,
    retire_marks,
    save_account,
    save_accounts,
    set_class_teachers,
    set_terms,
    unassign_teachers,
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


async def test_a_batch_refuses_items_one_by_one_and_writes_the_rest(two: Two) -> None:
    scope, school_class = two.scope, two.ours.classes["5A"]
    theirs_class = two.theirs.classes["5B"]
    await builders.student(None, two.theirs, theirs_class, "b.kid", "Kid", "B")
    saved = await save_accounts(
        scope,
        [
            _account("k.one"),
            _account("k two"),
            _account("k.one"),  # the first item of the batch holds it
            _account("b.kid"),  # another school's account
            _account("k.three"),
        ],
    )
    first, bad, twice, outside, third = saved
    assert isinstance(first, SavedAccount) and first.created
    assert isinstance(bad, InvalidFields) and [p.path for p in bad.problems] == [("login",)]
    assert isinstance(twice, InvalidInput) and twice.field == "login"
    assert isinstance(outside, OutsideReach)
    assert isinstance(third, SavedAccount)
    assert await models.User.filter(login__startswith="k.").count() == 2
    # Saving the same accounts again changes nothing.
    again = await save_accounts(
        scope,
        [_account("k.one", user_id=first.user.id), _account("k.three", user_id=third.user.id)],
    )
    assert [(s.created, s.changed) for s in again if isinstance(s, SavedAccount)] == [
        (False, False),
        (False, False),
    ]
    enrolled = await enroll_many(
        scope,
        [
            EnrollmentData(first.user.id, school_class.id, date(2026, 9, 1)),
            EnrollmentData(third.user.id, theirs_class.id, date(2026, 9, 1)),
        ],
    )
    assert isinstance(enrolled[0], SavedEnrollment) and enrolled[0].created
    assert isinstance(enrolled[1], OutsideReach)
    linked = await link_guardians(
        scope,
        [GuardianLink(third.user.id, first.user.id), GuardianLink(first.user.id, third.user.id)],
    )
    assert linked[0] is True and isinstance(linked[1], InvalidInput)  # third is not enrolled
    assert two.ours.teacher is not None
    subject, teacher = two.ours.subjects["Mathematics"], two.ours.teacher.id

    def mark(value: int, **kw: object) -> ImportedMark:
        fields = {"student_id": first.user.id, "class_id": school_class.id, **kw}
        return ImportedMark(
            on=date(2026, 10, 1), value=value, subject_id=subject.id, author_id=teacher, **fields
        )  # type: ignore[arg-type]

    recorded = await record_marks(scope, [mark(5), mark(9), mark(4, student_id=third.user.id)])
    assert isinstance(recorded[0], RecordedMark) and recorded[0].action == "created"
    assert isinstance(recorded[1], InvalidFields) and isinstance(recorded[2], InvalidFields)
    assert await models.Mark.all().count() == 1
    assert (await verify()).ok


async def test_marks_are_corrected_and_retired_with_their_history(two: Two) -> None:
    scope, school_class = two.scope, two.ours.classes["5A"]
    student, _ = await save_account(scope, _account("c.kid"))
    await enroll(scope, student.id, school_class.id, date(2026, 9, 1))
    assert two.ours.teacher is not None
    entry = ImportedMark(
        student.id,
        school_class.id,
        two.ours.subjects["Mathematics"].id,
        date(2026, 10, 1),
        3,
        two.ours.teacher.id,
    )
    (made,) = await record_marks(scope, [entry], reason="test import")
    assert isinstance(made, RecordedMark)
    corrected = replace(entry, value=5, comment="retake", mark_id=made.mark_id)
    actions = []
    for _ in range(2):
        (result,) = await record_marks(scope, [corrected], reason="test import")
        assert isinstance(result, RecordedMark)
        actions.append(result.action)
    assert actions == ["updated", "unchanged"]
    mark = await models.Mark.get(id=made.mark_id)
    assert (mark.value, mark.comment) == (5, "retake")
    assert await retire_marks(scope, [made.mark_id]) == {made.mark_id}
    assert await retire_marks(scope, [made.mark_id]) == set()
    events = await models.MarkEvent.filter(mark_id=made.mark_id).order_by("seq")
    assert [e.action for e in events][:2] == [MarkAction.CREATE, MarkAction.CORRECT]
    assert events[-1].action == MarkAction.DELETE
    verdict = await verify()
    assert verdict.ok, verdict.finding


async def test_a_batch_costs_the_same_statements_whatever_its_size(two: Two) -> None:
    scope, school_class = two.scope, two.ours.classes["5A"]
    assert two.ours.teacher is not None
    subject, teacher = two.ours.subjects["Mathematics"], two.ours.teacher.id
    counts = []
    # The first round fills the scope's caches (the reach's accounts, the class).
    for size in (1, 5, 300):
        accounts = [_account(f"n{size}.{i}") for i in range(size)]
        with count_statements() as saving:
            saved = await save_accounts(scope, accounts)
        ids = [s.user.id for s in saved if isinstance(s, SavedAccount)]
        with count_statements() as enrolling:
            await enroll_many(
                scope, [EnrollmentData(i, school_class.id, date(2026, 9, 1)) for i in ids]
            )
        entries = [
            ImportedMark(i, school_class.id, subject.id, date(2026, 10, 1), 4, teacher) for i in ids
        ]
        with count_statements() as marking:
            await record_marks(scope, entries)
        counts.append((saving.value, enrolling.value, marking.value))
    assert counts[1] == counts[2], counts
    assert await models.Mark.all().count() == 306 and (await verify()).ok


# A mark for one of the pupils `_pupils` made: (pupil, value, mark_id=None).
MarkOf = Callable[..., ImportedMark]


async def _pupils(two: Two, prefix: str, count: int) -> tuple[list[int], MarkOf]:
    """`count` new pupils of our 5A, and a mark in mathematics for one of them."""
    school_class = two.ours.classes["5A"]
    assert two.ours.teacher is not None
    subject, teacher = two.ours.subjects["Mathematics"].id, two.ours.teacher.id
    saved = await save_accounts(two.scope, [_account(f"{prefix}{i}") for i in range(count)])
    kids = [s.user.id for s in saved if isinstance(s, SavedAccount)]
    await enroll_many(
        two.scope, [EnrollmentData(k, school_class.id, date(2026, 9, 1)) for k in kids]
    )

    def entry(kid: int, value: int, mark_id: int | None = None) -> ImportedMark:
        return ImportedMark(
            kid, school_class.id, subject, date(2026, 10, 1), value, teacher, mark_id=mark_id
        )

    return kids, entry


async def test_a_writer_stores_chunks_in_order_and_corrects_what_it_stored(two: Two) -> None:
    scope = two.scope
    kids, entry = await _pupils(two, "w.kid", 3)
    async with in_transaction():
        writer = MarkWriter(scope, "test import")
        first = await writer.record([entry(kids[0], 3), entry(kids[1], 4)])
        made = [r.mark_id for r in first if isinstance(r, RecordedMark)]
        # The second chunk is checked while the first may still be stored: a new mark
        # goes on, a correction of a mark of the first chunk waits for it.
        second = await writer.record([entry(kids[2], 5), entry(kids[0], 2, made[0])])
        await writer.finish()
    assert [r.action for r in second if isinstance(r, RecordedMark)] == ["created", "updated"]
    events = await models.MarkEvent.filter(mark_id=made[0]).order_by("seq")
    assert [(e.action, e.old_value, e.new_value) for e in events] == [
        (MarkAction.CREATE, None, 3),
        (MarkAction.CORRECT, 3, 2),
    ]
    assert await models.Mark.all().count() == 3
    verdict = await verify()
    assert verdict.ok, verdict.finding


async def test_a_writer_stores_each_chunk_once_the_next_is_checked(two: Two) -> None:
    scope = two.scope
    kids, entry = await _pupils(two, "p.kid", 4)
    async with in_transaction():
        writer = MarkWriter(scope, "test import")
        first = await writer.record([entry(kids[0], 3), entry(kids[1], 4)])
        # The first chunk waits to be stored until the second is checked and has its ids,
        # which must not be the first chunk's (SQLite counts them from the table).
        assert await models.Mark.filter(student_id__in=kids).count() == 0
        second = await writer.record([entry(kids[2], 5), entry(kids[3], 2)])
        await writer.finish()
    made = [r.mark_id for r in [*first, *second] if isinstance(r, RecordedMark)]
    assert len(set(made)) == 4
    stored = await models.Mark.filter(id__in=made).order_by("id")
    assert [(m.student_id, m.value) for m in stored] == list(zip(kids, [3, 4, 5, 2], strict=True))
    verdict = await verify()
    assert verdict.ok, verdict.finding


async def test_teachers_are_assigned_within_the_reach(two: Two) -> None:
    scope, ours, theirs = two.scope, two.ours.classes["5A"], two.theirs.classes["5B"]
    maths, their_maths = two.ours.subjects["Mathematics"], two.theirs.subjects["Mathematics"]
    assert two.theirs.teacher is not None
    saved = await save_accounts(scope, [_account("t.new"), _account("t.other")])
    new, other = (s.user.id for s in saved if isinstance(s, SavedAccount))
    results = await assign_teachers(
        scope,
        [
            TeachingData(new, ours.id, maths.id),
            TeachingData(new, ours.id, maths.id),  # a set may name one twice
            TeachingData(new, theirs.id, their_maths.id),
            TeachingData(two.theirs.teacher.id, ours.id, maths.id),
            TeachingData(new, ours.id, their_maths.id),
        ],
    )
    first, again, *refused = results
    assert isinstance(first, SavedTeaching) and first.created
    assert again == SavedTeaching(first.assignment_id, False)
    assert [type(r) for r in refused] == [OutsideReach, OutsideReach, NotFound]
    assert [(r.field) for r in refused if isinstance(r, OutsideReach | NotFound)] == [
        "classId",
        "teacherId",
        "subjectId",
    ]
    # The teacher may now read the class: the assignment and the role that goes with it.
    assert await models.TeachingAssignment.exists(
        id=first.assignment_id, teacher_id=new, school_class_id=ours.id, subject_id=maths.id
    )
    assert await models.RoleGrant.exists(user_id=new, role=Role.TEACHER, school_id=two.ours.id)
    assert (await assign_teachers(scope, [TeachingData(new, ours.id, maths.id)])) == [
        SavedTeaching(first.assignment_id, False)
    ]
    # Statements do not grow with the batch.
    more = await save_accounts(scope, [_account(f"t.more{i}") for i in range(4)])
    ids = [s.user.id for s in more if isinstance(s, SavedAccount)]
    counts = []
    for batch in ([other], ids):
        with count_statements() as assigning:
            done = await assign_teachers(scope, [TeachingData(t, ours.id, maths.id) for t in batch])
        assert all(isinstance(d, SavedTeaching) and d.created for d in done)
        counts.append(assigning.value)
    assert counts[0] == counts[1], counts
    # Ending assignments leaves those of classes outside the reach as they are.
    their_teacher = two.theirs.teacher.id
    before = await models.TeachingAssignment.filter(teacher_id=their_teacher).count()
    assert before > 0
    removed = await unassign_teachers(
        scope,
        [
            TeachingData(new, ours.id, maths.id),
            TeachingData(their_teacher, theirs.id, their_maths.id),
        ],
    )
    assert removed == 1
    assert not await models.TeachingAssignment.exists(teacher_id=new, school_class_id=ours.id)
    assert await models.TeachingAssignment.filter(teacher_id=their_teacher).count() == before


async def test_class_teachers_are_set_within_the_reach(two: Two) -> None:
    scope, ours, theirs = two.scope, two.ours.classes["5A"], two.theirs.classes["5B"]
    assert two.theirs.teacher is not None
    their_teacher = two.theirs.teacher.id
    before = await models.SchoolClass.get(id=theirs.id)
    (saved,) = await save_accounts(scope, [_account("t.lead")])
    assert isinstance(saved, SavedAccount)
    lead = saved.user.id
    results = await set_class_teachers(
        scope,
        [
            ClassTeacherData(ours.id, lead),
            ClassTeacherData(theirs.id, lead),
            ClassTeacherData(ours.id, their_teacher),
        ],
    )
    assert results[0] is True
    assert [(type(r), getattr(r, "field", None)) for r in results[1:]] == [
        (OutsideReach, "classId"),
        (OutsideReach, "teacherId"),
    ]
    # The class is led by the new teacher, who holds the teacher role at the school; the
    # other school's class and teacher are as they were.
    assert (await models.SchoolClass.get(id=ours.id)).class_teacher_id == lead
    assert await models.RoleGrant.exists(user_id=lead, role=Role.TEACHER, school_id=two.ours.id)
    assert (await models.SchoolClass.get(id=theirs.id)).class_teacher_id == before.class_teacher_id
    assert not await models.RoleGrant.exists(user_id=their_teacher, school_id=two.ours.id)
    # Again: nothing changes; then the class is left without a class teacher.
    assert await set_class_teachers(scope, [ClassTeacherData(ours.id, lead)]) == [False]
    assert await set_class_teachers(scope, [ClassTeacherData(ours.id, None)]) == [True]
    assert (await models.SchoolClass.get(id=ours.id)).class_teacher_id is None


async def test_terms_are_set_within_the_reach_and_never_overlap(two: Two) -> None:
    scope, year, their_year = two.scope, two.ours.year, two.theirs.year
    (first,) = two.ours.terms  # 2026-09-01 to 2026-12-28
    results = await set_terms(
        scope,
        year.id,
        [
            TermData(1, date(2026, 9, 1), date(2026, 10, 31)),  # term 1 shortened
            TermData(2, date(2026, 11, 9), date(2026, 12, 28)),  # a new term after it
            TermData(3, date(2027, 1, 11), date(2027, 3, 20)),  # overlaps term 4
            TermData(4, date(2027, 3, 1), date(2027, 5, 31)),  # overlaps term 3
            TermData(5, date(2027, 7, 1), date(2027, 6, 1)),  # ends before it starts
            TermData(13, date(2027, 4, 1), date(2027, 5, 1)),  # no term system has 13
        ],
    )
    shortened, added, *refused = results
    assert shortened == SavedTerm(first.id, created=False, changed=True)
    assert isinstance(added, SavedTerm) and added.created
    assert [(type(r), getattr(r, "field", None)) for r in refused] == [
        (InvalidInput, "startsOn"),
        (InvalidInput, "startsOn"),
        (InvalidInput, "endsOn"),
        (InvalidInput, "number"),
    ]
    terms = await models.Term.filter(academic_year_id=year.id).order_by("number")
    assert [(t.number, t.starts_on, t.ends_on) for t in terms] == [
        (1, date(2026, 9, 1), date(2026, 10, 31)),
        (2, date(2026, 11, 9), date(2026, 12, 28)),
    ]
    # Again as it is: nothing changes. Another school's year is out of reach.
    again = await set_terms(scope, year.id, [TermData(2, date(2026, 11, 9), date(2026, 12, 28))])
    assert again == [SavedTerm(added.term_id, created=False, changed=False)]
    before = await models.Term.filter(academic_year_id=their_year.id).values_list("ends_on")
    refused_year = await set_terms(
        scope, their_year.id, [TermData(1, date(2026, 9, 1), date(2026, 9, 30))]
    )
    assert [type(r) for r in refused_year] == [OutsideReach]
    after = await models.Term.filter(academic_year_id=their_year.id).values_list("ends_on")
    assert after == before
    # A term refused keeps the one it would have replaced, and what overlaps that is refused.
    clash = await set_terms(
        scope,
        year.id,
        [
            TermData(1, date(2026, 9, 1), date(2026, 9, 30)),
            TermData(3, date(2026, 9, 15), date(2026, 9, 20)),
            TermData(5, date(2026, 10, 15), date(2026, 10, 20)),
        ],
    )
    assert [type(r) for r in clash] == [InvalidInput] * 3
    # Of two items for one number the last holds, and the first says so.
    twice = await set_terms(
        scope,
        year.id,
        [
            TermData(2, date(2026, 11, 2), date(2026, 12, 28)),
            TermData(2, date(2026, 11, 9), date(2026, 12, 28)),
        ],
    )
    assert isinstance(twice[0], InvalidInput) and twice[0].field == "number"
    assert twice[1] == SavedTerm(added.term_id, created=False, changed=False)
    terms = await models.Term.filter(academic_year_id=year.id).order_by("number")
    assert [(t.number, t.ends_on) for t in terms] == [
        (1, date(2026, 10, 31)),
        (2, date(2026, 12, 28)),
    ]
