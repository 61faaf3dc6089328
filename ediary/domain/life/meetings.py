"""Parent-teacher and school meetings: scheduling, parents' replies, minutes afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from ediary.domain.access import (
    NewsReach,
    Posting,
    Viewer,
    may_reply_to_meeting,
    may_run_meeting,
    may_schedule_meeting,
    may_see_meeting,
    meeting_reach,
)
from ediary.domain.enums import Audience, MeetingAnswer
from ediary.domain.errors import DomainError, Forbidden, InvalidFields, NotFound, Problem
from ediary.domain.journal import texts
from ediary.domain.journal.base import WriteContext
from ediary.domain.life import checks
from ediary.domain.models import (
    Enrollment,
    Guardianship,
    Meeting,
    MeetingReply,
    School,
    SchoolClass,
    User,
)
from ediary.domain.notifications import Notice, enqueue
from ediary.domain.paging import Page, after_pair, before_cursor, id_pair_cursor, moment_cursor
from ediary.domain.placements import enrolled_over


class MeetingStarted(DomainError):
    code = "MEETING_STARTED"
    default_message = "The meeting has started; answers can no longer be changed."


class MeetingNotStarted(DomainError):
    code = "MEETING_NOT_STARTED"
    default_message = "Minutes are added once the meeting has started."


class NotInvited(DomainError):
    code = "NOT_INVITED"
    default_message = "This meeting does not concern this child's class or school."


def posting(meeting: Meeting) -> Posting:
    return Posting(meeting.audience, meeting.author_id, meeting.school_id, meeting.school_class_id)


def _reach_filter(reach: NewsReach) -> Q | None:
    """SQL for `may_see_meeting`; None when nothing can be visible."""
    if reach.user_id is None:
        return None
    either = [Q(author_id=reach.user_id)]
    if reach.schools:
        either.append(Q(audience=Audience.SCHOOL, school_id__in=list(reach.schools)))
    if reach.classes:
        either.append(Q(audience=Audience.CLASS, school_class_id__in=list(reach.classes)))
    if reach.class_schools:
        either.append(Q(audience=Audience.CLASS, school_id__in=list(reach.class_schools)))
    return Q(*either, join_type=Q.OR)


async def meetings(viewer: Viewer, *, first: int, after: str | None) -> Page[Meeting]:
    """Meetings the viewer may see, the latest start first."""
    found = _reach_filter(meeting_reach(viewer))
    if found is None:
        return Page([], [], False, 0)
    query = Meeting.filter(found)
    total = await query.count()
    if after is not None:
        query = query.filter(before_cursor(after, "starts_at"))
    rows = list(await query.order_by("-starts_at", "-id").limit(first + 1))
    items = rows[:first]
    return Page(items, [moment_cursor(m.starts_at, m.id) for m in items], len(rows) > first, total)


async def visible_meeting(viewer: Viewer, meeting_id: int) -> Meeting:
    meeting = await Meeting.get_or_none(id=meeting_id)
    if meeting is None or not may_see_meeting(meeting_reach(viewer), posting(meeting)):
        raise NotFound()
    return meeting


def _audience_students(meeting_like: Posting, today: date) -> Subquery:
    """IDs of the students a meeting concerns: those enrolled today in its class or school."""
    query = Enrollment.filter(enrolled_over(today))
    if meeting_like.audience is Audience.CLASS:
        query = query.filter(school_class_id=meeting_like.class_id)
    else:
        query = query.filter(school_class__school_id=meeting_like.school_id)
    return Subquery(query.values("student_id"))


@dataclass(frozen=True)
class Plan:
    """A meeting as its organiser describes it."""

    title: str
    starts_at: datetime
    ends_at: datetime
    agenda: str
    place: str = ""
    online_url: str = ""


def _plan_problems(ctx: WriteContext, plan: Plan) -> list[Problem]:
    found = [
        checks.text_problem(plan.title, ("title",), checks.TITLE_LIMIT),
        checks.text_problem(plan.agenda, ("agenda",), checks.TEXT_LIMIT),
        checks.text_problem(plan.place, ("place",), checks.PLACE_LIMIT, required=False),
    ]
    if plan.online_url:
        found.append(checks.url_problem(plan.online_url, ("onlineUrl",)))
    elif not plan.place.strip():
        found.append(Problem(("place",), "Give a place or an online link."))
    starts, ends = checks.moment(plan.starts_at, ctx.zone), checks.moment(plan.ends_at, ctx.zone)
    if ends <= starts:
        found.append(
            Problem(("endsAt",), "The meeting must end after it starts.", "DATES_OUT_OF_ORDER")
        )
    if starts <= ctx.now:
        found.append(
            Problem(("startsAt",), "A meeting is scheduled ahead of time.", "DATES_OUT_OF_ORDER")
        )
    return [p for p in found if p is not None]


async def schedule(
    ctx: WriteContext,
    audience: Audience,
    plan: Plan,
    *,
    school_id: int | None = None,
    class_id: int | None = None,
    notify: bool,
    posts_per_hour: int,
) -> Meeting:
    """Schedule a class or school meeting; families hear of it through their channels."""
    if audience is Audience.CLASS:
        school_class = await SchoolClass.get_or_none(id=class_id) if class_id else None
        if school_class is None or not may_schedule_meeting(
            ctx.viewer, audience, school_class.school_id, school_class.id
        ):
            raise NotFound(field="classId")
        target = Posting(audience, ctx.actor_id, school_class.school_id, school_class.id)
    else:
        school = await School.get_or_none(id=school_id) if school_id else None
        if school is None or not may_schedule_meeting(ctx.viewer, audience, school.id, None):
            raise NotFound(field="schoolId")
        target = Posting(audience, ctx.actor_id, school.id, None)
    await checks.ensure_may_post(ctx.actor_id, posts_per_hour)
    problems = _plan_problems(ctx, plan)
    if problems:
        raise InvalidFields(problems)
    assert target.school_id is not None
    async with in_transaction():
        meeting = await Meeting.create(
            audience=audience,
            school_id=target.school_id,
            school_class_id=target.class_id,
            author_id=ctx.actor_id,
            title=plan.title,
            starts_at=checks.moment(plan.starts_at, ctx.zone),
            ends_at=checks.moment(plan.ends_at, ctx.zone),
            place=plan.place,
            online_url=plan.online_url,
            agenda=plan.agenda,
        )
        if notify:
            await _notify(ctx, meeting, target)
    await checks.count_post(ctx.actor_id, posts_per_hour)
    return meeting


async def _notify(ctx: WriteContext, meeting: Meeting, target: Posting) -> None:
    students = await User.filter(id__in=_audience_students(target, ctx.today)).only(
        "id", "last_name", "first_name", "middle_name"
    )
    when = meeting.starts_at.astimezone(ctx.zone)
    notices = [
        Notice(
            student_id=student.id,
            key=f"meeting:{meeting.id}:{student.id}",
            subject=texts.subject_line(student.full_name, "собрание"),
            text=texts.meeting_scheduled(student.full_name, meeting.title, when),
        )
        for student in students
    ]
    await enqueue(notices, ctx.channels, ctx.now, ctx.zone)


async def _meeting_for_write(ctx: WriteContext, meeting_id: int) -> Meeting:
    try:
        return await visible_meeting(ctx.viewer, meeting_id)
    except NotFound:
        raise NotFound(field="meetingId") from None


async def reply(
    ctx: WriteContext, meeting_id: int, student_id: int, answer: MeetingAnswer
) -> MeetingReply:
    """A parent's answer for one child; it can change until the meeting starts."""
    meeting = await _meeting_for_write(ctx, meeting_id)
    if not may_reply_to_meeting(ctx.viewer, student_id):
        raise Forbidden("Parents answer for their own children.", field="studentId")
    invited = await _is_invited(meeting, student_id, ctx.today)
    if not invited:
        raise NotInvited(field="studentId")
    if meeting.starts_at <= ctx.now:
        raise MeetingStarted(field="meetingId")
    where: dict[str, Any] = {
        "meeting_id": meeting.id,
        "parent_id": ctx.actor_id,
        "student_id": student_id,
    }
    changed = await MeetingReply.filter(**where).update(answer=answer, answered_at=ctx.now)
    if not changed:
        try:
            async with in_transaction():
                await MeetingReply.create(**where, answer=answer, answered_at=ctx.now)
        except IntegrityError:
            # The same parent answered twice at once: the later answer wins.
            await MeetingReply.filter(**where).update(answer=answer, answered_at=ctx.now)
    found = await MeetingReply.get(**where)
    return found


async def _is_invited(meeting: Meeting, student_id: int, today: date) -> bool:
    query = Enrollment.filter(enrolled_over(today), student_id=student_id)
    if meeting.audience is Audience.CLASS:
        query = query.filter(school_class_id=meeting.school_class_id)
    else:
        query = query.filter(school_class__school_id=meeting.school_id)
    return await query.exists()


async def add_minutes(ctx: WriteContext, meeting_id: int, minutes: str) -> Meeting:
    """The minutes, written once the meeting has started; writing again replaces them."""
    meeting = await _meeting_for_write(ctx, meeting_id)
    if not may_run_meeting(ctx.viewer, posting(meeting)):
        raise Forbidden("The organiser, the class teacher or the administration keeps minutes.")
    problem = checks.text_problem(minutes, ("minutes",), checks.TEXT_LIMIT)
    if problem:
        raise InvalidFields([problem])
    if meeting.starts_at > ctx.now:
        raise MeetingNotStarted(field="meetingId")
    meeting.minutes, meeting.minutes_added_at = minutes, ctx.now
    await meeting.save(update_fields=["minutes", "minutes_added_at", "updated_at"])
    return meeting


@dataclass(frozen=True)
class Invitee:
    """A parent asked to answer for a child, and their answer if they gave one."""

    student_id: int
    parent_id: int
    reply: MeetingReply | None


async def invitees(
    viewer: Viewer, meeting: Meeting, today: date, *, first: int, after: str | None
) -> Page[Invitee]:
    """Every parent of every child the meeting concerns today, with answers and silences,
    for those who run the meeting; by student, then parent."""
    if not may_run_meeting(viewer, posting(meeting)):
        raise Forbidden("The organiser, the class teacher or the administration sees answers.")
    query = Guardianship.filter(student_id__in=_audience_students(posting(meeting), today))
    total = await query.count()
    if after is not None:
        student, parent = after_pair(after)
        query = query.filter(
            Q(student_id__gt=student) | Q(student_id=student, parent_id__gt=parent)
        )
    links = (
        await query.order_by("student_id", "parent_id")
        .limit(first + 1)
        .values("student_id", "parent_id")
    )
    page = links[:first]
    replies = (
        {
            (r.student_id, r.parent_id): r
            for r in await MeetingReply.filter(
                meeting_id=meeting.id, student_id__in=list({link["student_id"] for link in page})
            )
        }
        if page
        else {}
    )
    items = [
        Invitee(
            link["student_id"],
            link["parent_id"],
            replies.get((link["student_id"], link["parent_id"])),
        )
        for link in page
    ]
    cursors = [id_pair_cursor(i.student_id, i.parent_id) for i in items]
    return Page(items, cursors, len(links) > first, total)


async def replies_of(parent_id: int, meeting_ids: list[int]) -> dict[int, list[MeetingReply]]:
    """A parent's own answers to these meetings, by meeting."""
    found: dict[int, list[MeetingReply]] = {i: [] for i in meeting_ids}
    for row in await MeetingReply.filter(parent_id=parent_id, meeting_id__in=meeting_ids):
        found[row.meeting_id].append(row)
    return found
