"""The topic of a lesson and the timetable's changes: cancellation, substitute, room."""

from __future__ import annotations

from tortoise.transactions import in_transaction

from ediary.domain.access import may_change_timetable, may_teach
from ediary.domain.enums import LessonStatus, Role
from ediary.domain.errors import Forbidden, InvalidFields, NotFound
from ediary.domain.journal.base import (
    LessonFacts,
    WriteContext,
    lesson_for_write,
    open_term_problem,
    text_problem,
)
from ediary.domain.journal.changes import ChangeKind, DiaryChange, Outcome
from ediary.domain.models import Lesson, RoleGrant

TOPIC_LIMIT = 500
NOTE_LIMIT = 300
ROOM_LIMIT = 32


def _changed(lesson: Lesson) -> tuple[DiaryChange, ...]:
    return (
        DiaryChange(
            ChangeKind.LESSON_CHANGED,
            lesson.school_class_id,
            lesson.subject_id,
            None,
            lesson.id,
            lesson.id,
        ),
    )


async def set_topic(ctx: WriteContext, lesson_id: int, topic: str) -> Outcome[Lesson]:
    facts = await lesson_for_write(ctx, lesson_id)
    lesson = facts.lesson
    if not may_teach(
        ctx.viewer, lesson.school_class_id, lesson.subject_id, lesson.substitute_teacher_id
    ):
        raise Forbidden("Only the teacher of this lesson may set its topic.")
    problems = [p for p in (text_problem(topic, ("topic",), TOPIC_LIMIT),) if p]
    _, closed = await open_term_problem(
        ctx, facts.school_class.academic_year_id, lesson.date, ("lessonId",)
    )
    if closed:
        problems.append(closed)
    if problems:
        raise InvalidFields(problems)
    lesson.topic = topic.strip()
    await lesson.save(update_fields=["topic"])
    return Outcome(lesson, _changed(lesson))


async def _for_timetable(ctx: WriteContext, lesson_id: int, note: str) -> LessonFacts:
    facts = await lesson_for_write(ctx, lesson_id)
    if not may_change_timetable(ctx.viewer, facts.school_id):
        raise Forbidden("Only the school administration changes the timetable.")
    if problem := text_problem(note, ("note",), NOTE_LIMIT):
        raise InvalidFields([problem])
    return facts


async def _save(lesson: Lesson, *fields: str) -> Outcome[Lesson]:
    async with in_transaction():
        await lesson.save(update_fields=[*fields, "change_note"])
    await lesson.fetch_related("substitute_teacher", "teacher")
    return Outcome(lesson, _changed(lesson))


async def cancel_lesson(ctx: WriteContext, lesson_id: int, note: str) -> Outcome[Lesson]:
    facts = await _for_timetable(ctx, lesson_id, note)
    lesson = facts.lesson
    lesson.status = LessonStatus.CANCELLED
    lesson.change_note = note.strip()
    return await _save(lesson, "status")


async def substitute_teacher(
    ctx: WriteContext, lesson_id: int, teacher_id: int, note: str
) -> Outcome[Lesson]:
    facts = await _for_timetable(ctx, lesson_id, note)
    lesson = facts.lesson
    staff = await RoleGrant.exists(user_id=teacher_id, role=Role.TEACHER, school_id=facts.school_id)
    if not staff:
        raise NotFound("No teacher of this school has this ID.", field="teacherId")
    if teacher_id == lesson.teacher_id:
        lesson.substitute_teacher_id = None
        lesson.status = LessonStatus.HELD
    else:
        lesson.substitute_teacher_id = teacher_id
        lesson.status = LessonStatus.SUBSTITUTED
    lesson.change_note = note.strip()
    return await _save(lesson, "status", "substitute_teacher_id")


async def change_room(ctx: WriteContext, lesson_id: int, room: str, note: str) -> Outcome[Lesson]:
    facts = await _for_timetable(ctx, lesson_id, note)
    lesson = facts.lesson
    room = room.strip()
    if problem := text_problem(room, ("room",), ROOM_LIMIT, required=True):
        raise InvalidFields([problem])
    scheduled = lesson.scheduled_room if lesson.scheduled_room is not None else lesson.room
    lesson.room = room
    # Moving back to the timetable's room is no change any more.
    lesson.scheduled_room = None if room == scheduled else scheduled
    lesson.change_note = note.strip()
    return await _save(lesson, "room", "scheduled_room")
