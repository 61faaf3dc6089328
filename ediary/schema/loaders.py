"""Per-request DataLoaders: nested fields load in one query per kind, never one per row."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from functools import cached_property

from strawberry.dataloader import DataLoader

from ediary.domain import models
from ediary.domain.access import Viewer
from ediary.domain.courses import Course, class_courses
from ediary.domain.journal.absence_notices import LessonKey, notices_at
from ediary.domain.journal.history import mark_history
from ediary.domain.journal.planned_work import work_at
from ediary.domain.placements import classes_on
from ediary.domain.talk import conversations


async def _lessons(ids: Sequence[int]) -> list[models.Lesson | None]:
    found = {
        lesson.id: lesson
        for lesson in await models.Lesson.filter(id__in=list(ids)).select_related(
            "subject", "teacher", "substitute_teacher", "school_class"
        )
    }
    return [found.get(i) for i in ids]


async def _homework(lesson_ids: Sequence[int]) -> list[list[models.Homework]]:
    grouped: dict[int, list[models.Homework]] = defaultdict(list)
    rows = models.Homework.filter(lesson_id__in=list(lesson_ids)).prefetch_related("attachments")
    for homework in await rows:
        grouped[homework.lesson_id].append(homework)
    return [grouped[i] for i in lesson_ids]


async def _users(ids: Sequence[int]) -> list[models.User | None]:
    found = {u.id: u for u in await models.User.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def _schools(ids: Sequence[int]) -> list[models.School | None]:
    found = {s.id: s for s in await models.School.filter(id__in=list(ids)).select_related("region")}
    return [found.get(i) for i in ids]


async def _classes(ids: Sequence[int]) -> list[models.SchoolClass | None]:
    found = {c.id: c for c in await models.SchoolClass.filter(id__in=list(ids))}
    return [found.get(i) for i in ids]


async def _current_classes(
    keys: Sequence[tuple[int, date]],
) -> list[models.SchoolClass | None]:
    """Each student's class on a day (the request's today: one day per request in practice)."""
    found: dict[tuple[int, date], models.SchoolClass] = {}
    for today in sorted({day for _, day in keys}):
        students = {student for student, day in keys if day == today}
        classes = await classes_on(students, today)
        found.update({(student, today): found_class for student, found_class in classes.items()})
    return [found.get(key) for key in keys]


async def _courses(class_ids: Sequence[int]) -> list[list[Course]]:
    found = await class_courses(class_ids)
    return [found[i] for i in class_ids]


async def _absence_notices(
    keys: Sequence[tuple[Viewer, LessonKey]],
) -> list[list[models.AbsenceNotice]]:
    # One request has one viewer: every key carries the same.
    viewer = keys[0][0]
    return await notices_at(viewer, [lesson for _, lesson in keys])


async def _bells(school_ids: Sequence[int]) -> list[dict[int, models.BellPeriod]]:
    grouped: dict[int, dict[int, models.BellPeriod]] = defaultdict(dict)
    for bell in await models.BellPeriod.filter(school_id__in=list(school_ids)):
        grouped[bell.school_id][bell.number] = bell
    return [grouped[i] for i in school_ids]


async def _mark_events(mark_ids: Sequence[int]) -> list[list[models.MarkEvent]]:
    found = await mark_history(mark_ids)
    return [found[i] for i in mark_ids]


async def _meeting_replies(
    keys: Sequence[tuple[int, int]],
) -> list[list[models.MeetingReply]]:
    # One request has one viewer: every key carries the same parent.
    found: dict[tuple[int, int], list[models.MeetingReply]] = defaultdict(list)
    parents = list({parent for _, parent in keys})
    meetings = list({meeting for meeting, _ in keys})
    for row in await models.MeetingReply.filter(parent_id__in=parents, meeting_id__in=meetings):
        found[(row.meeting_id, row.parent_id)].append(row)
    return [found[key] for key in keys]


async def _conversation_reads(ids: Sequence[int]) -> list[list[models.ConversationRead]]:
    found = await conversations.reads_of(ids)
    return [found.get(i, []) for i in ids]


async def _unread(keys: Sequence[tuple[int, int]]) -> list[int]:
    """Keys are (user, conversation); a request has one viewer, so one user."""
    by_user: dict[int, list[int]] = defaultdict(list)
    for user_id, conversation_id in keys:
        by_user[user_id].append(conversation_id)
    counts = {
        (user_id, c): n
        for user_id, ids in by_user.items()
        for c, n in (await conversations.unread_counts(user_id, ids)).items()
    }
    return [counts.get(key, 0) for key in keys]


class Loaders:
    """The request's data loaders, each made when a resolver first asks for it: most
    requests use one or two of them, and making all of them was a cost on every request."""

    @cached_property
    def lesson(self) -> DataLoader[int, models.Lesson | None]:
        return DataLoader(load_fn=_lessons)

    @cached_property
    def homework_by_lesson(self) -> DataLoader[int, list[models.Homework]]:
        return DataLoader(load_fn=_homework)

    @cached_property
    def planned_work(self) -> DataLoader[int, list[models.PlannedWork]]:
        # lesson id -> the live work announced for it.
        return DataLoader(load_fn=work_at)

    @cached_property
    def user(self) -> DataLoader[int, models.User | None]:
        return DataLoader(load_fn=_users)

    @cached_property
    def school(self) -> DataLoader[int, models.School | None]:
        return DataLoader(load_fn=_schools)

    @cached_property
    def school_class(self) -> DataLoader[int, models.SchoolClass | None]:
        return DataLoader(load_fn=_classes)

    @cached_property
    def current_class(self) -> DataLoader[tuple[int, date], models.SchoolClass | None]:
        return DataLoader(load_fn=_current_classes)

    @cached_property
    def absence_notices(self) -> DataLoader[tuple[Viewer, LessonKey], list[models.AbsenceNotice]]:
        # (viewer, lesson) -> the absences announced for the lesson's day that the viewer sees.
        return DataLoader(load_fn=_absence_notices)

    @cached_property
    def courses(self) -> DataLoader[int, list[Course]]:
        # class id -> its subjects with their teachers.
        return DataLoader(load_fn=_courses)

    @cached_property
    def bells(self) -> DataLoader[int, dict[int, models.BellPeriod]]:
        return DataLoader(load_fn=_bells)

    @cached_property
    def mark_events(self) -> DataLoader[int, list[models.MarkEvent]]:
        return DataLoader(load_fn=_mark_events)

    @cached_property
    def meeting_replies(self) -> DataLoader[tuple[int, int], list[models.MeetingReply]]:
        # (meeting id, parent id) -> that parent's replies to the meeting, one per child.
        return DataLoader(load_fn=_meeting_replies)

    @cached_property
    def conversation_reads(self) -> DataLoader[int, list[models.ConversationRead]]:
        return DataLoader(load_fn=_conversation_reads)

    @cached_property
    def unread(self) -> DataLoader[tuple[int, int], int]:
        return DataLoader(load_fn=_unread)
