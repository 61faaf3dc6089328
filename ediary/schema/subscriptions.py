"""The root Subscription type: a student's diary, live, over graphql-transport-ws."""

from __future__ import annotations

import datetime
from collections.abc import AsyncGenerator
from datetime import date

import strawberry
from strawberry import relay

from ediary.domain import models
from ediary.domain.access import StudentGrant, student_grant
from ediary.domain.errors import NotFound
from ediary.domain.journal.changes import ChangeKind, DiaryChange
from ediary.domain.journal.live import concerns
from ediary.domain.placements import placements
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


async def _lesson(lesson_id: int | None) -> models.Lesson | None:
    if lesson_id is None:
        return None
    return await models.Lesson.get_or_none(id=lesson_id).select_related(
        "subject", "teacher", "substitute_teacher"
    )


async def _update(student_id: int, change: DiaryChange) -> DiaryUpdate | None:
    """The update to send, read after the commit; None when its object is gone already.

    The lesson comes from the change when it names one (a register entry taken back leaves
    nothing else to find it by), else from the object."""
    update = DiaryUpdate(
        kind=change.kind,
        student_id=relay.GlobalID("Student", str(student_id)),
        mark_id=None,
        mark=None,
        homework=None,
        attendance=None,
        remark=None,
        lesson=None,
        subject=None,
        date=None,
        _student_id=student_id,
    )
    lesson_id = change.lesson_id
    mark: models.Mark | None = None
    homework: models.Homework | None = None
    record: models.Attendance | None = None
    if change.kind.name.startswith("MARK_"):
        update.mark_id = relay.GlobalID("Mark", str(change.object_id))
        # A deleted mark keeps its row, so a deletion still names its lesson or day.
        mark = await models.Mark.get_or_none(id=change.object_id).select_related(
            "subject", "author"
        )
        if mark is None:
            return None
        update.mark = Mark.from_model(mark) if mark.deleted_at is None else None
        lesson_id = lesson_id or mark.lesson_id
    elif change.kind.name.startswith("HOMEWORK_"):
        homework = await models.Homework.get_or_none(id=change.object_id).prefetch_related(
            "attachments"
        )
        if homework is None:
            return None
        lesson_id = lesson_id or homework.lesson_id
    elif change.kind in (ChangeKind.ATTENDANCE_RECORDED, ChangeKind.ABSENCE_EXCUSED):
        record = await models.Attendance.get_or_none(id=change.object_id)
        if record is not None:
            lesson_id = lesson_id or record.lesson_id
    elif change.kind is ChangeKind.REMARK_ADDED:
        remark = await models.Remark.get_or_none(id=change.object_id).select_related("author")
        if remark is None:
            return None
        lesson_id = lesson_id or remark.lesson_id
        update.remark = Remark.from_model(remark)
    else:
        lesson_id = change.object_id
    lesson = await _lesson(lesson_id)
    if lesson is None and change.kind is ChangeKind.LESSON_CHANGED:
        # The lesson went with its class (a deletion): nothing left to show.
        return None
    if homework is not None:
        update.homework = Homework.from_model(homework, lesson)
    if record is not None:
        update.attendance = Attendance.from_model(record, lesson)
    if lesson is not None:
        update.lesson = Lesson.from_model(lesson)
        update.subject = Subject.from_model(lesson.subject)
        update.date = lesson.date
    elif mark is not None:
        update.subject = Subject.from_model(mark.subject)
        update.date = mark.date
    return update


async def _current_grant(info: Info, student: int, today: date) -> StudentGrant | None:
    """The viewer's grant on the student as the database has it now."""
    viewer = await info.context.live_viewer()
    placed = (await placements([student], today, today)).get(student, [])
    return student_grant(viewer, student, placed)


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
        placed = (await placements([student], today, today)).get(student, [])
        grant = student_grant(viewer, student, placed)
        if grant is None:
            raise NotFound()
        async with info.context.runtime.broker.subscribe() as changes:
            async for change in changes:
                if not isinstance(change, DiaryChange) or not concerns(grant, placed, change):
                    continue
                # The grant is loaded afresh for every change it would send (the cheap check
                # above filters the rest): see Context.live_viewer.
                fresh = await _current_grant(info, student, today)
                if fresh is None:
                    return
                if not concerns(fresh, placed, change):
                    continue
                update = await _update(student, change)
                if update is not None:
                    yield update
