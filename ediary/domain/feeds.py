"""Private calendar feeds: a secret address per student that calendar apps poll.

The address carries a random secret; only its SHA-256 is stored. A feed shows what its
creator may see of the student at the moment it is fetched, so a parent whose guardianship
ends or a teacher who stops teaching the class stops seeing through their old feeds too.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from ediary.domain.access import (
    Facet,
    ParentLookback,
    StudentGrant,
    Viewer,
    load_viewer,
    may_manage_calendar_feed,
    student_grant,
)
from ediary.domain.diary import visible_student
from ediary.domain.errors import NotFound, TooManyFeeds
from ediary.domain.models import (
    BellPeriod,
    CalendarFeed,
    Homework,
    Lesson,
    PlannedWork,
    School,
    User,
)
from ediary.domain.placements import placements

# Active feeds one person may hold for one student: enough for every device they own.
MAX_ACTIVE_FEEDS = 10
# The feed covers lessons, announced work and homework from four weeks back to twelve weeks ahead.
WINDOW_BEFORE = timedelta(weeks=4)
WINDOW_AFTER = timedelta(weeks=12)
# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
_MAX_SECRET_LENGTH = 128


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class CreatedFeed:
    feed: CalendarFeed
    # Shown once, at creation: it cannot be recovered from the database.
    secret: str


async def create_feed(viewer: Viewer, student_id: int) -> CreatedFeed:
    """A new feed of a student the viewer follows (lessons or homework), by the viewer."""
    grant = await visible_student(viewer, student_id, date.min, date.max)
    if not (grant.allows(Facet.LESSONS) or grant.allows(Facet.HOMEWORK)):
        raise NotFound()
    assert viewer.user_id is not None
    active = await CalendarFeed.filter(
        student_id=student_id, created_by_id=viewer.user_id, revoked_at=None
    ).count()
    if active >= MAX_ACTIVE_FEEDS:
        raise TooManyFeeds()
    secret = secrets.token_urlsafe(32)
    feed = await CalendarFeed.create(
        student_id=student_id, created_by_id=viewer.user_id, secret_hash=digest(secret)
    )
    return CreatedFeed(feed, secret)


async def _grant(viewer: Viewer, student_id: int) -> StudentGrant | None:
    found = await placements([student_id])
    return student_grant(viewer, student_id, found.get(student_id, []))


async def visible_feed(viewer: Viewer, feed_id: int) -> CalendarFeed:
    """A feed the viewer created or may revoke; NotFound for any other."""
    feed = await CalendarFeed.get_or_none(id=feed_id)
    if feed is None or not viewer.is_authenticated:
        raise NotFound()
    grant = None if feed.created_by_id == viewer.user_id else await _grant(viewer, feed.student_id)
    if not may_manage_calendar_feed(viewer, feed.created_by_id, grant):
        raise NotFound()
    return feed


async def revoke_feed(viewer: Viewer, feed_id: int) -> CalendarFeed:
    """Revoke a feed for good; revoking a revoked feed changes nothing."""
    feed = await visible_feed(viewer, feed_id)
    if feed.revoked_at is None:
        feed.revoked_at = datetime.now(UTC)
        await feed.save(update_fields=["revoked_at"])
    return feed


async def student_feeds(viewer: Viewer, student_id: int) -> list[CalendarFeed]:
    """Active feeds of a student that the viewer may revoke, newest first."""
    grant = await visible_student(viewer, student_id, date.min, date.max)
    feeds = await CalendarFeed.filter(student_id=student_id, revoked_at=None).order_by(
        "-created_at", "-id"
    )
    return [f for f in feeds if may_manage_calendar_feed(viewer, f.created_by_id, grant)]


@dataclass(frozen=True)
class FeedContent:
    """Everything the calendar shows, loaded in a fixed number of queries."""

    student: User
    lessons: list[Lesson]
    homework: list[Homework]
    # school -> period number -> bell
    bells: dict[int, dict[int, BellPeriod]]
    # class -> school
    schools: dict[int, School]
    # Live work announced for the lessons above, with its lesson.
    planned_work: list[PlannedWork] = field(default_factory=list)


async def feed_content(
    secret: str, today: date, parent_lookback: ParentLookback
) -> FeedContent | None:
    """What the feed with this secret shows today; None for unknown, revoked or empty access.
    A parent's feed shows what the parent may see, so within the region's look-back window
    (`parent_lookback`, as for every viewer the server builds)."""
    if not secret or len(secret) > _MAX_SECRET_LENGTH:
        return None
    feed = await CalendarFeed.get_or_none(secret_hash=digest(secret), revoked_at=None)
    if feed is None:
        return None
    users = {u.id: u for u in await User.filter(id__in=[feed.student_id, feed.created_by_id])}
    creator, student = users.get(feed.created_by_id), users.get(feed.student_id)
    if creator is None or student is None or not creator.is_active:
        return None
    viewer = await load_viewer(creator, parent_lookback, today)
    start, end = today - WINDOW_BEFORE, today + WINDOW_AFTER
    placed = (await placements([student.id], start, end)).get(student.id, [])
    grant = student_grant(viewer, student.id, placed)
    if grant is None:
        return None
    by_class = {p.class_id: p for p in placed}
    lessons: list[Lesson] = []
    homework: list[Homework] = []
    if by_class and grant.allows(Facet.LESSONS):
        query = Lesson.filter(
            school_class_id__in=sorted(by_class), date__gte=start, date__lte=end
        ).select_related("subject", "teacher", "substitute_teacher")
        if grant.subjects is not None:
            query = query.filter(subject_id__in=sorted(grant.subjects))
        lessons = [
            x
            for x in await query
            if by_class[x.school_class_id].covers(x.date)
            and grant.covers(x.date, x.school_class_id)
        ]
    if by_class and grant.allows(Facet.HOMEWORK):
        query_hw = Homework.filter(
            lesson__school_class_id__in=sorted(by_class), due_on__gte=start, due_on__lte=end
        ).select_related("lesson__subject")
        if grant.subjects is not None:
            query_hw = query_hw.filter(lesson__subject_id__in=sorted(grant.subjects))
        homework = [
            h
            for h in await query_hw
            if by_class[h.lesson.school_class_id].covers(h.lesson.date)
            and grant.covers(h.lesson.date, h.lesson.school_class_id)
        ]
    planned: list[PlannedWork] = []
    if lessons:
        # Work is shown with its lesson: only of the lessons the feed shows.
        by_id = {x.id: x for x in lessons}
        planned = await PlannedWork.filter(lesson_id__in=sorted(by_id), cancelled_at=None)
        for work in planned:
            work.lesson = by_id[work.lesson_id]
    school_ids = sorted({p.school_id for p in placed})
    schools = {s.id: s for s in await School.filter(id__in=school_ids)} if school_ids else {}
    bells: dict[int, dict[int, BellPeriod]] = {}
    if lessons:
        for bell in await BellPeriod.filter(school_id__in=school_ids):
            bells.setdefault(bell.school_id, {})[bell.number] = bell
    return FeedContent(
        student=student,
        lessons=sorted(lessons, key=lambda x: (x.date, x.period)),
        homework=sorted(homework, key=lambda h: (h.due_on, h.id)),
        bells=bells,
        schools={class_id: schools[p.school_id] for class_id, p in by_class.items()},
        planned_work=sorted(planned, key=lambda w: (w.lesson.date, w.lesson.period, w.id)),
    )
