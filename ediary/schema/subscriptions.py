"""The root Subscription type: a student's diary, live, over graphql-transport-ws."""

from __future__ import annotations

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

DiaryUpdateKind = strawberry.enum(
    ChangeKind, name="DiaryUpdateKind", description="What changed in the diary."
)


@strawberry.type(description="A change in a student's diary, sent as soon as it is committed.")
class DiaryUpdate:
    kind: DiaryUpdateKind = strawberry.field(  # type: ignore[valid-type]
        description="What changed."
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
    lesson: Lesson | None = strawberry.field(description="The lesson changed or concerned.")


async def _update(student_id: int, change: DiaryChange) -> DiaryUpdate | None:
    update = DiaryUpdate(
        kind=change.kind,
        student_id=relay.GlobalID("Student", str(student_id)),
        mark_id=None,
        mark=None,
        homework=None,
        attendance=None,
        remark=None,
        lesson=None,
    )
    if change.kind.name.startswith("MARK_"):
        update.mark_id = relay.GlobalID("Mark", str(change.object_id))
        mark = await models.Mark.get_or_none(id=change.object_id, deleted_at=None).select_related(
            "subject", "author"
        )
        update.mark = Mark.from_model(mark) if mark else None
    elif change.kind.name.startswith("HOMEWORK_"):
        homework = await models.Homework.get_or_none(id=change.object_id).prefetch_related(
            "attachments"
        )
        if homework is None:
            return None
        update.homework = Homework.from_model(homework)
    elif change.kind in (ChangeKind.ATTENDANCE_RECORDED, ChangeKind.ABSENCE_EXCUSED):
        record = await models.Attendance.get_or_none(id=change.object_id)
        update.attendance = Attendance.from_model(record) if record else None
    elif change.kind is ChangeKind.REMARK_ADDED:
        remark = await models.Remark.get_or_none(id=change.object_id).select_related("author")
        if remark is None:
            return None
        update.remark = Remark.from_model(remark)
    else:
        lesson = await models.Lesson.get_or_none(id=change.object_id).select_related(
            "subject", "teacher", "substitute_teacher"
        )
        if lesson is None:
            return None
        update.lesson = Lesson.from_model(lesson)
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
        today = info.context.settings.today or date.today()
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
