"""The families a school-life item reaches, and telling them through the outbox.

Meetings and news reach the same families: the parents of the students enrolled today in
the item's class or school, or, for a blog entry, in the classes its author teaches or
leads (the classes whose families read the blog, as `announcements.reach_of` says).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from tortoise.expressions import Q, Subquery

from ediary.domain.access import Posting
from ediary.domain.enums import Audience, OutboxStatus
from ediary.domain.journal import texts
from ediary.domain.journal.base import WriteContext
from ediary.domain.models import Enrollment, OutboxMessage, TeachingAssignment, User
from ediary.domain.notifications import Notice, enqueue
from ediary.domain.placements import enrolled_over


def reached_students(target: Posting, today: date) -> Subquery:
    """IDs of the students an item concerns: those enrolled today where it is addressed."""
    query = Enrollment.filter(enrolled_over(today))
    if target.audience is Audience.CLASS:
        query = query.filter(school_class_id=target.class_id)
    elif target.audience is Audience.SCHOOL:
        query = query.filter(school_class__school_id=target.school_id)
    else:
        taught = Subquery(
            TeachingAssignment.filter(teacher_id=target.author_id).values("school_class_id")
        )
        query = query.filter(
            Q(school_class_id__in=taught) | Q(school_class__class_teacher_id=target.author_id)
        )
    return Subquery(query.values("student_id"))


async def tell(
    ctx: WriteContext,
    target: Posting,
    key: str,
    what: str,
    text: Callable[[str], str],
    *,
    from_moment: datetime | None = None,
) -> int:
    """One notice per student the item reaches, keyed `{key}:{student}`, so that `enqueue`
    tells each parent once per child by their preferences for that child. `from_moment`
    (the publication of a scheduled item) is when the notice may first go out: quiet hours
    and digests count from then, so nothing leaves before families can read the item.
    Call inside the writer's transaction."""
    students = await User.filter(id__in=reached_students(target, ctx.today)).only(
        "id", "last_name", "first_name", "middle_name"
    )
    notices = [
        Notice(
            student_id=student.id,
            key=f"{key}:{student.id}",
            subject=texts.subject_line(student.full_name, what),
            text=text(student.full_name),
        )
        for student in students
    ]
    moment = max(ctx.now, from_moment) if from_moment is not None else ctx.now
    return await enqueue(notices, ctx.channels, moment, ctx.zone)


async def recall(key: str) -> int:
    """Take back the notices of an event that have not gone out (waiting for their moment,
    for quiet hours or for the digest); sent ones are history. Call inside the transaction."""
    return await OutboxMessage.filter(
        key__startswith=f"{key}:", status__in=[OutboxStatus.PENDING, OutboxStatus.HELD]
    ).delete()
