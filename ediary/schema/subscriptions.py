"""The root Subscription type: a student's diary and a class's journal, live, over
graphql-transport-ws."""

from __future__ import annotations

import datetime
from collections.abc import AsyncGenerator

import strawberry
from strawberry import relay

from ediary.domain.errors import NotFound
from ediary.domain.journal.changes import ChangeKind, DiaryChange
from ediary.domain.journal.live import (
    ChangedObjects,
    changed_objects,
    concerns,
    journal_grant,
    live_grant,
)
from ediary.schema.ids import local_id
from ediary.schema.info import Info
from ediary.schema.talk import TalkSubscription
from ediary.schema.types.journal import Attendance, Homework, Lesson, Mark, Remark
from ediary.schema.types.people import Student
from ediary.schema.types.school import Subject

DiaryUpdateKind = strawberry.enum(
    ChangeKind, name="DiaryUpdateKind", description="What changed in the diary."
)


@strawberry.type(
    description="A change in a student's diary, sent as soon as it is committed. Every update "
    "names whose diary changed (`student`) and where: the lesson (`lesson`, with its subject "
    "and day), or for a mark on dated work the subject and day alone, so a client can show it "
    "without asking for more."
)
class DiaryUpdate:
    kind: DiaryUpdateKind = strawberry.field(  # type: ignore[valid-type]
        description="Which kind of change this is; it tells which of the other fields are filled."
    )
    student_id: relay.GlobalID = strawberry.field(description="Whose diary changed.")
    mark_id: relay.GlobalID | None = strawberry.field(
        description="The mark concerned, also for a deleted mark."
    )
    mark: Mark | None = strawberry.field(
        description="The mark as it is now; null when it was deleted."
    )
    homework: Homework | None = strawberry.field(description="The homework set or changed.")
    attendance: Attendance | None = strawberry.field(
        description="The absence or lateness as it is now; null when the student is present."
    )
    remark: Remark | None = strawberry.field(description="The remark added.")
    lesson: Lesson | None = strawberry.field(
        description="The lesson the change is about, for every kind of update (its `subject`, "
        "`date` and `period`); null only for a mark on dated work, which has no lesson."
    )
    subject: Subject | None = strawberry.field(
        description="The subject concerned: the lesson's, or the mark's for dated work."
    )
    date: datetime.date | None = strawberry.field(
        description="The school day concerned: the lesson's, or the mark's for dated work."
    )
    _student_id: strawberry.Private[int]

    @strawberry.field(description="The student whose diary changed.")
    async def student(self, info: Info) -> Student:
        user = await info.context.loaders.user.load(self._student_id)
        assert user is not None  # accounts are deactivated, never deleted
        return Student.from_model(user)


def _update(student_id: int, change: DiaryChange, found: ChangedObjects) -> DiaryUpdate:
    """The update to send for a change and what it names (`live.changed_objects`)."""
    mark, lesson = found.mark, found.lesson
    # Where the change happened: its lesson, or for a mark on dated work the mark itself.
    where = lesson or mark
    return DiaryUpdate(
        kind=change.kind,
        student_id=relay.GlobalID("Student", str(student_id)),
        mark_id=relay.GlobalID("Mark", str(mark.id)) if mark is not None else None,
        mark=Mark.from_model(mark) if mark is not None and mark.deleted_at is None else None,
        homework=Homework.from_model(found.homework, lesson) if found.homework else None,
        attendance=Attendance.from_model(found.attendance, lesson) if found.attendance else None,
        remark=Remark.from_model(found.remark) if found.remark else None,
        lesson=Lesson.from_model(lesson) if lesson is not None else None,
        subject=Subject.from_model(where.subject) if where is not None else None,
        date=where.date if where is not None else None,
        _student_id=student_id,
    )


@strawberry.type(
    description="A change in a class's journal of one subject, sent as soon as it is "
    "committed: a mark given, corrected or withdrawn, an absence or lateness recorded or taken "
    "back, homework set or changed, or a lesson changed (its topic, its status). `lesson` says "
    "which column, `student` which line (null for a change to the whole lesson)."
)
class ClassJournalUpdate:
    kind: DiaryUpdateKind = strawberry.field(  # type: ignore[valid-type]
        description="Which kind of change this is; it tells which of the other fields are filled."
    )
    mark_id: relay.GlobalID | None = strawberry.field(
        description="The mark concerned, also for a withdrawn mark."
    )
    mark: Mark | None = strawberry.field(
        description="The mark as it is now; null when it was withdrawn or for other kinds."
    )
    attendance: Attendance | None = strawberry.field(
        description="For ATTENDANCE_RECORDED and ABSENCE_EXCUSED: the absence or lateness as it "
        "is now; null when the student is present."
    )
    homework: Homework | None = strawberry.field(description="The homework set or changed.")
    lesson: Lesson | None = strawberry.field(
        description="The lesson (the journal's column) the change is about, as it is now; null "
        "only for a mark on dated work, which has no lesson."
    )
    _student_id: strawberry.Private[int | None]

    @strawberry.field(
        description="The student whose line changed; null for a change to the whole lesson "
        "(its topic, its status, homework)."
    )
    async def student(self, info: Info) -> Student | None:
        if self._student_id is None:
            return None
        user = await info.context.loaders.user.load(self._student_id)
        assert user is not None  # accounts are deactivated, never deleted
        return Student.from_model(user)


def _journal_update(change: DiaryChange, found: ChangedObjects) -> ClassJournalUpdate:
    mark, lesson = found.mark, found.lesson
    return ClassJournalUpdate(
        kind=change.kind,
        mark_id=relay.GlobalID("Mark", str(mark.id)) if mark is not None else None,
        mark=Mark.from_model(mark) if mark is not None and mark.deleted_at is None else None,
        attendance=Attendance.from_model(found.attendance, lesson) if found.attendance else None,
        homework=Homework.from_model(found.homework, lesson) if found.homework else None,
        lesson=Lesson.from_model(lesson) if lesson is not None else None,
        _student_id=change.student_id,
    )


@strawberry.type(
    description=(
        "Live updates over graphql-transport-ws on /graphql; authenticate with "
        '{"authorization": "Bearer <token>"} in connection_init, or the session cookie.'
    )
)
class Subscription(TalkSubscription):
    @strawberry.subscription(
        description=(
            "Changes to a student's diary as they are committed: marks, homework, absences, "
            "remarks and lesson changes, each only if the viewer may see it."
        )
    )
    async def diary_updates(
        self, info: Info, student_id: relay.GlobalID
    ) -> AsyncGenerator[DiaryUpdate, None]:
        viewer = await info.context.require_viewer()
        student = local_id(student_id, "Student")
        today = info.context.today()
        opened = await live_grant(viewer, student, today)
        if opened is None:
            raise NotFound()
        async with info.context.runtime.broker.subscribe() as changes:
            async for change in changes:
                if not isinstance(change, DiaryChange) or not opened.concerns(change):
                    continue
                # The grant is loaded afresh for every change it would send (the cheap check
                # above filters the rest): see Context.live_viewer.
                fresh = await live_grant(await info.context.live_viewer(), student, today)
                if fresh is None:
                    return
                if not concerns(fresh.grant, opened.placed, change):
                    continue
                found = await changed_objects(change)
                if found is not None:
                    yield _update(student, change, found)

    @strawberry.subscription(
        description=(
            "Changes to a class's journal of one subject as they are committed, whoever makes "
            "them: marks, absences and lateness, homework and lessons (topics, cancellations). "
            "For those who may read `classJournal`: the teacher of that class and subject, the "
            "class teacher and the school administration; the right is checked again before "
            "each update, and the connection closes when the session ends."
        )
    )
    async def class_journal_updates(
        self, info: Info, class_id: relay.GlobalID, subject_id: relay.GlobalID
    ) -> AsyncGenerator[ClassJournalUpdate, None]:
        viewer = await info.context.require_viewer()
        opened = await journal_grant(
            viewer, local_id(class_id, "SchoolClass"), local_id(subject_id, "Subject")
        )
        if opened is None:
            raise NotFound()
        async with info.context.runtime.broker.subscribe() as changes:
            async for change in changes:
                if not isinstance(change, DiaryChange) or not opened.concerns(change):
                    continue
                # A class handed over to another teacher stops the updates: see live_viewer.
                if not opened.allows(await info.context.live_viewer()):
                    return
                found = await changed_objects(change)
                if found is not None:
                    yield _journal_update(change, found)
