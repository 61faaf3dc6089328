"""Parent-teacher and school meetings: scheduling, parents' replies, minutes afterwards."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from ediary.domain.access import (
    NewsReach,
    Posting,
    Viewer,
    may_change_meeting,
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
from ediary.domain.life.families import reached_students, tell
from ediary.domain.models import (
    Enrollment,
    Guardianship,
    Meeting,
    MeetingReply,
    School,
    SchoolClass,
)
from ediary.domain.paging import Page, after_pair, before_cursor, id_pair_cursor, moment_cursor
from ediary.domain.placements import enrolled_over


class MeetingStarted(DomainError):
    code = "MEETING_STARTED"
    default_message = "The meeting has started; answers can no longer be changed."


class MeetingNotStarted(DomainError):
    code = "MEETING_NOT_STARTED"
    default_message = "Minutes are added once the meeting has started."


class MeetingCancelled(DomainError):
    code = "MEETING_CANCELLED"
    default_message = "The meeting has been cancelled."


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
    when = meeting.starts_at.astimezone(ctx.zone)
    await tell(
        ctx,
        target,
        f"meeting:{meeting.id}",
        "собрание",
        lambda student: texts.meeting_scheduled(student, meeting.title, when),
    )


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
    if meeting.cancelled_at is not None:
        raise MeetingCancelled(field="meetingId")
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
class Change:
    """What the organiser changes of a meeting's description; None leaves it as it is."""

    title: str | None = None
    agenda: str | None = None
    place: str | None = None
    online_url: str | None = None


async def _meeting_to_change(ctx: WriteContext, meeting_id: int) -> Meeting:
    """A meeting the viewer may still edit, move or cancel: upcoming and not cancelled."""
    meeting = await _meeting_for_write(ctx, meeting_id)
    if not may_change_meeting(ctx.viewer, posting(meeting)):
        raise Forbidden("The class teacher or the administration changes a meeting.")
    if meeting.cancelled_at is not None:
        raise MeetingCancelled(field="meetingId")
    if meeting.starts_at <= ctx.now:
        raise MeetingStarted(
            "The meeting has started; it can no longer be changed.", field="meetingId"
        )
    return meeting


def _what_changed(meeting: Meeting, change: Change) -> list[str]:
    """The changes as the families' notice names them; empty when nothing differs."""
    said = []
    if change.title is not None and change.title != meeting.title:
        said.append(f"новое название «{change.title}»")
    if change.place is not None and change.place != meeting.place:
        said.append(f"место: {change.place or 'онлайн'}")
    if change.online_url is not None and change.online_url != meeting.online_url:
        said.append(f"ссылка: {change.online_url or 'нет'}")
    if change.agenda is not None and change.agenda != meeting.agenda:
        said.append("повестка обновлена")
    return said


async def edit(ctx: WriteContext, meeting_id: int, change: Change, *, notify: bool) -> Meeting:
    """Change the title, agenda, place or link of an upcoming meeting; families hear what
    changed. Answers stand: the meeting is still when it was."""
    meeting = await _meeting_to_change(ctx, meeting_id)
    plan = Plan(
        title=meeting.title if change.title is None else change.title,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        agenda=meeting.agenda if change.agenda is None else change.agenda,
        place=meeting.place if change.place is None else change.place,
        online_url=meeting.online_url if change.online_url is None else change.online_url,
    )
    problems = _plan_problems(ctx, plan)
    if problems:
        raise InvalidFields(problems)
    said = _what_changed(meeting, change)
    if not said:
        return meeting
    old_title = meeting.title
    meeting.title, meeting.agenda = plan.title, plan.agenda
    meeting.place, meeting.online_url = plan.place, plan.online_url
    async with in_transaction():
        await meeting.save(update_fields=["title", "agenda", "place", "online_url", "updated_at"])
        if notify:
            when = meeting.starts_at.astimezone(ctx.zone)
            what = "; ".join(said)
            await tell(
                ctx,
                posting(meeting),
                f"meeting:{meeting.id}:changed:{_stamp(ctx.now)}",
                "собрание изменено",
                lambda student: texts.meeting_changed(student, old_title, when, what),
            )
    return meeting


def _stamp(moment: datetime) -> int:
    """A meeting may change many times: each change's notices get keys of their own."""
    return int(moment.timestamp() * 1_000_000)


async def move(
    ctx: WriteContext, meeting_id: int, starts_at: datetime, ends_at: datetime, *, notify: bool
) -> Meeting:
    """Move an upcoming meeting to another time. Answers given for the old time are
    dropped: "I'll come" on Tuesday says nothing of Thursday, so every parent is asked again
    (the notice says so) and the organiser sees silences until they answer."""
    meeting = await _meeting_to_change(ctx, meeting_id)
    plan = Plan(
        meeting.title, starts_at, ends_at, meeting.agenda, meeting.place, meeting.online_url
    )
    problems = _plan_problems(ctx, plan)
    starts, ends = checks.moment(starts_at, ctx.zone), checks.moment(ends_at, ctx.zone)
    if not problems and (starts, ends) == (meeting.starts_at, meeting.ends_at):
        problems.append(Problem(("startsAt",), "The meeting is already at this time."))
    if problems:
        raise InvalidFields(problems)
    before = meeting.starts_at
    async with in_transaction():
        # Only a meeting still not cancelled moves: a cancel that won the race stands.
        moved = await Meeting.filter(id=meeting.id, cancelled_at__isnull=True).update(
            starts_at=starts, ends_at=ends, moved_from=before, updated_at=ctx.now
        )
        if not moved:
            raise MeetingCancelled(field="meetingId")
        await MeetingReply.filter(meeting_id=meeting.id).delete()
        if notify:
            zone = ctx.zone
            await tell(
                ctx,
                posting(meeting),
                f"meeting:{meeting.id}:moved:{_stamp(ctx.now)}",
                "собрание перенесено",
                lambda student: texts.meeting_moved(
                    student, meeting.title, before.astimezone(zone), starts.astimezone(zone)
                ),
            )
    await meeting.refresh_from_db()
    return meeting


async def cancel(ctx: WriteContext, meeting_id: int, reason: str, *, notify: bool) -> Meeting:
    """Cancel an upcoming meeting with a reason. It stays listed, as cancelled with the
    reason; answers are kept for the record but can no longer be given."""
    meeting = await _meeting_to_change(ctx, meeting_id)
    problem = checks.text_problem(reason, ("reason",), checks.REASON_LIMIT)
    if problem:
        raise InvalidFields([problem])
    async with in_transaction():
        # The filter makes a second cancel lose even when both read the meeting as upcoming.
        done = await Meeting.filter(id=meeting.id, cancelled_at__isnull=True).update(
            cancelled_at=ctx.now, cancel_reason=reason, updated_at=ctx.now
        )
        if not done:
            raise MeetingCancelled(field="meetingId")
        if notify:
            when = meeting.starts_at.astimezone(ctx.zone)
            await tell(
                ctx,
                posting(meeting),
                f"meeting:{meeting.id}:cancelled",
                "собрание отменено",
                lambda student: texts.meeting_cancelled(student, meeting.title, when, reason),
            )
    await meeting.refresh_from_db()
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
    query = Guardianship.filter(student_id__in=reached_students(posting(meeting), today))
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
