"""A student's calendar feed as iCalendar (RFC 5545), written with the icalendar library.

Lessons are timed events in the school's time zone (from the bell schedule; all-day when a
period has no bell). A cancelled lesson stays in the feed with STATUS:CANCELLED so that
calendar apps strike it through instead of silently dropping it; a substitute teacher or a
room change goes into the description and the location. Homework is an all-day event on its
due date, marked free (TRANSP:TRANSPARENT) so it does not block the day. Announced work (a
test, a quiz) is an event of its own at its lesson's time, with a UID of its own that stays
when the work moves to another lesson; cancelled work is left out, so apps drop it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from icalendar import Calendar, Event

from ediary.domain import zones
from ediary.domain.enums import LessonStatus
from ediary.domain.feeds import FeedContent
from ediary.domain.models import Homework, Lesson, PlannedWork

PRODID = "-//ediary//School diary calendar//EN"
UID_DOMAIN = "ediary"


def _add_times(event: Event, lesson: Lesson, content: FeedContent) -> None:
    """The lesson's start and end by its school's bells, or its day when no bell rings."""
    school = content.schools[lesson.school_class_id]
    bell = content.bells.get(school.id, {}).get(lesson.period)
    if bell is not None:
        zone = zones.zone(school.timezone)
        event.add("dtstart", datetime.combine(lesson.date, _clock(bell.starts_at), zone))
        event.add("dtend", datetime.combine(lesson.date, _clock(bell.ends_at), zone))
    else:
        event.add("dtstart", lesson.date)


def _lesson_event(lesson: Lesson, content: FeedContent, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"lesson-{lesson.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    _add_times(event, lesson, content)
    cancelled = lesson.status == LessonStatus.CANCELLED
    summary = lesson.subject.name + (" (cancelled)" if cancelled else "")
    event.add("summary", summary)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if lesson.room:
        event.add("location", lesson.room)
    lines = [f"Period {lesson.period}"]
    if lesson.topic:
        lines.append(f"Topic: {lesson.topic}")
    lines.append(f"Teacher: {lesson.teacher.full_name}")
    if lesson.status == LessonStatus.SUBSTITUTED and lesson.substitute_teacher is not None:
        lines.append(f"Substitute teacher: {lesson.substitute_teacher.full_name}")
    if lesson.scheduled_room and lesson.scheduled_room != lesson.room:
        lines.append(f"Room changed from {lesson.scheduled_room} to {lesson.room or '-'}")
    if lesson.change_note:
        lines.append(f"Note: {lesson.change_note}")
    event.add("description", "\n".join(lines))
    return event


def _work_event(work: PlannedWork, content: FeedContent, stamp: datetime) -> Event:
    lesson = work.lesson
    event = Event()
    # The work's own UID: a move to another lesson updates the same event in the apps.
    event.add("uid", f"work-{work.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    _add_times(event, lesson, content)
    kind = work.kind.value.capitalize() + (" (remote)" if work.remote else "")
    event.add("summary", f"{kind}: {lesson.subject.name}")
    lines = [f"Period {lesson.period}", f"Weight: {work.weight}"]
    if work.topic:
        lines.append(f"Topic: {work.topic}")
    if work.description:
        lines.append(work.description)
    event.add("description", "\n".join(lines))
    if lesson.room and not work.remote:
        event.add("location", lesson.room)
    event.add("categories", [work.kind.value.upper()])
    return event


def _clock(value: time | str) -> time:
    return value if isinstance(value, time) else time.fromisoformat(value)


def _homework_event(homework: Homework, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"homework-{homework.id}@{UID_DOMAIN}")
    event.add("dtstamp", stamp)
    event.add("dtstart", homework.due_on)
    event.add("summary", f"Homework: {homework.lesson.subject.name}")
    event.add("description", homework.text)
    event.add("transp", "TRANSPARENT")
    event.add("categories", ["HOMEWORK"])
    return event


def render(content: FeedContent, now: datetime | None = None) -> bytes:
    stamp = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"Diary: {content.student.full_name}")
    # Hints for apps that poll: every few hours is plenty for a timetable.
    calendar.add("refresh-interval", timedelta(hours=3), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT3H")
    for lesson in content.lessons:
        calendar.add_component(_lesson_event(lesson, content, stamp))
    for work in content.planned_work:
        calendar.add_component(_work_event(work, content, stamp))
    for homework in content.homework:
        calendar.add_component(_homework_event(homework, stamp))
    # VTIMEZONE definitions for every zone used, as RFC 5545 requires for TZID parameters.
    if content.lessons:
        first = min(x.date for x in content.lessons)
        last = max(x.date for x in content.lessons)
        calendar.add_missing_timezones(first_date=first, last_date=_after(last))
    return bytes(calendar.to_ical())


def _after(day: date) -> date:
    return date(day.year + 1, 1, 1)
