"""Setting and editing homework, with attachments kept in the attachment storage."""

from __future__ import annotations

from datetime import date, timedelta

from tortoise.transactions import in_transaction

from ediary.domain.access import may_teach
from ediary.domain.errors import Forbidden, InvalidFields, NotFound, Problem
from ediary.domain.journal.base import (
    LessonFacts,
    WriteContext,
    lesson_for_write,
    open_term_problem,
    text_problem,
)
from ediary.domain.journal.changes import ChangeKind, DiaryChange, Outcome
from ediary.domain.models import Homework, HomeworkAttachment
from ediary.domain.uploads import (
    AcceptedFile,
    FileRules,
    IncomingFile,
    file_problems,
    forget,
    store,
)

TEXT_LIMIT = 10_000
# A due date further away than this is almost certainly a typing mistake.
MAX_DUE_DAYS = 120


async def _writable(ctx: WriteContext, lesson_id: int) -> LessonFacts:
    facts = await lesson_for_write(ctx, lesson_id)
    lesson = facts.lesson
    if not may_teach(
        ctx.viewer, lesson.school_class_id, lesson.subject_id, lesson.substitute_teacher_id
    ):
        raise Forbidden("Only the teacher of this class and subject may set its homework.")
    return facts


def _due_problem(lesson_day: date, due_on: date, path: tuple[str, ...]) -> Problem | None:
    if due_on < lesson_day:
        return Problem(path, "Homework cannot be due before the lesson it is set at.")
    if due_on > lesson_day + timedelta(days=MAX_DUE_DAYS):
        return Problem(path, f"Homework is due within {MAX_DUE_DAYS} days of the lesson.")
    return None


async def _store(homework: Homework, accepted: list[AcceptedFile], rules: FileRules) -> list[str]:
    async def row(name: str, kind: str, size: int, key: str) -> HomeworkAttachment:
        return await HomeworkAttachment.create(
            homework=homework, filename=name, content_type=kind, size=size, storage_key=key
        )

    return await store(accepted, rules, row)


async def set_homework(
    ctx: WriteContext,
    lesson_id: int,
    text: str,
    due_on: date,
    uploads: list[IncomingFile],
    rules: FileRules,
) -> Outcome[Homework]:
    facts = await _writable(ctx, lesson_id)
    lesson = facts.lesson
    problems = [
        p
        for p in (
            text_problem(text, ("text",), TEXT_LIMIT, required=True),
            _due_problem(lesson.date, due_on, ("dueOn",)),
        )
        if p
    ]
    _, closed = await open_term_problem(
        ctx, facts.school_class.academic_year_id, lesson.date, ("lessonId",)
    )
    if closed:
        problems.append(closed)
    refused, accepted = await file_problems(uploads, rules, 0, "attachments", "homework")
    problems += refused
    if problems:
        raise InvalidFields(problems)
    keys: list[str] = []
    try:
        async with in_transaction():
            homework = await Homework.create(
                lesson_id=lesson.id, text=text.strip(), due_on=due_on, author_id=ctx.actor_id
            )
            keys = await _store(homework, accepted, rules)
    except BaseException:
        # The rows are gone with the rollback; the bytes must go too.
        await forget(rules, keys)
        raise
    await homework.fetch_related("attachments")
    change = DiaryChange(
        ChangeKind.HOMEWORK_SET,
        lesson.school_class_id,
        lesson.subject_id,
        None,
        homework.id,
        lesson.id,
    )
    return Outcome(homework, (change,))


async def edit_homework(
    ctx: WriteContext,
    homework_id: int,
    text: str | None,
    due_on: date | None,
    uploads: list[IncomingFile],
    remove: list[int],
    rules: FileRules,
) -> Outcome[Homework]:
    homework = await Homework.get_or_none(id=homework_id).prefetch_related("attachments")
    if homework is None:
        raise NotFound(field="homeworkId")
    try:
        facts = await _writable(ctx, homework.lesson_id)
    except NotFound:
        raise NotFound(field="homeworkId") from None
    lesson = facts.lesson
    problems: list[Problem] = []
    if text is not None and (bad := text_problem(text, ("text",), TEXT_LIMIT, required=True)):
        problems.append(bad)
    if due_on is not None and (bad := _due_problem(lesson.date, due_on, ("dueOn",))):
        problems.append(bad)
    _, closed = await open_term_problem(
        ctx, facts.school_class.academic_year_id, lesson.date, ("homeworkId",)
    )
    if closed:
        problems.append(closed)
    existing = {a.id: a for a in homework.attachments}
    for index, attachment_id in enumerate(remove):
        if attachment_id not in existing:
            problems.append(
                Problem(("removeAttachments", str(index)), "No such file on this homework.")
            )
    kept = len(existing) - len(set(remove) & set(existing))
    refused, accepted = await file_problems(uploads, rules, kept, "addAttachments", "homework")
    problems += refused
    if problems:
        raise InvalidFields(problems)
    keys: list[str] = []
    try:
        async with in_transaction():
            if text is not None:
                homework.text = text.strip()
            if due_on is not None:
                homework.due_on = due_on
            await homework.save(update_fields=["text", "due_on", "updated_at"])
            if remove:
                await HomeworkAttachment.filter(homework_id=homework.id, id__in=remove).delete()
            keys = await _store(homework, accepted, rules)
    except BaseException:
        await forget(rules, keys)
        raise
    # Bytes of removed files go only once their rows are gone for good.
    await forget(rules, [existing[i].storage_key for i in set(remove)])
    await homework.fetch_related("attachments")
    change = DiaryChange(
        ChangeKind.HOMEWORK_CHANGED,
        lesson.school_class_id,
        lesson.subject_id,
        None,
        homework.id,
        lesson.id,
    )
    return Outcome(homework, (change,))
