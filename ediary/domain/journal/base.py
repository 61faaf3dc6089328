"""What every write needs: who writes and when, the facts of a lesson, and term checks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from ediary.domain.access import Viewer, may_see_class, may_teach
from ediary.domain.errors import NotFound, Problem, Unauthenticated
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy
from ediary.domain.models import Lesson, SchoolClass, Term
from ediary.domain.terms import current_term

# The most entries one request writes for a class at once (the marks of a lesson, its
# attendance, the students asked to acknowledge): the largest classes, several marks each.
MAX_CLASS_BATCH = 200


@dataclass(frozen=True)
class WriteContext:
    """Who is writing, the moment of writing, and the settings that shape a write."""

    viewer: Viewer
    now: datetime
    # The school's local date: a mark entered at 01:00 in Moscow is dated that day.
    today: date
    zone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Moscow"))
    policy_for: Callable[[str | None], RegionPolicy] = lambda region: DEFAULT_POLICY
    # Names of the notification channels that are loaded, such as "email" and "sms".
    channels: tuple[str, ...] = ()
    # Days before its lesson that families hear of announced work (EDIARY_WORK_REMINDER_DAYS).
    reminder_days: int = 2

    @property
    def actor_id(self) -> int:
        if self.viewer.user_id is None:
            raise Unauthenticated()
        return self.viewer.user_id


@dataclass(frozen=True)
class LessonFacts:
    """A lesson with its class, school and region, as the write rules need them."""

    lesson: Lesson
    school_class: SchoolClass
    region_code: str

    @property
    def school_id(self) -> int:
        return self.school_class.school_id


async def lesson_for_write(ctx: WriteContext, lesson_id: int) -> LessonFacts:
    """The lesson, if the viewer may see its class at all; NotFound otherwise."""
    lesson = await Lesson.get_or_none(id=lesson_id).select_related(
        "school_class__school__region", "subject"
    )
    if lesson is None:
        raise NotFound(field="lessonId")
    school_class = lesson.school_class
    if not may_see_class(ctx.viewer, school_class.id, school_class.school_id):
        raise NotFound(field="lessonId")
    return LessonFacts(lesson, school_class, school_class.school.region.code)


def teaches(ctx: WriteContext, lesson: Lesson) -> bool:
    """Whether the writer teaches this lesson (its class and subject, or as its substitute)."""
    return may_teach(
        ctx.viewer, lesson.school_class_id, lesson.subject_id, lesson.substitute_teacher_id
    )


async def term_of(academic_year_id: int, day: date) -> Term | None:
    """The term that contains the day, if any (holidays are in no term)."""
    return await Term.filter(
        academic_year_id=academic_year_id, starts_on__lte=day, ends_on__gte=day
    ).first()


async def open_term_problem(
    ctx: WriteContext, academic_year_id: int, day: date, path: tuple[str, ...]
) -> tuple[Term | None, Problem | None]:
    """The term of the day, or why a teacher may not write on that day."""
    term = await term_of(academic_year_id, day)
    if term is None:
        return None, Problem(path, "This day is outside every term of the school year.")
    current = await current_term({academic_year_id}, ctx.today)
    if current is None or current.id != term.id:
        return term, Problem(
            path, "Only the current term can be written to; ask the administration.", "TERM_CLOSED"
        )
    return term, None


def text_problem(
    value: str, path: tuple[str, ...], limit: int, required: bool = False
) -> Problem | None:
    """Length and presence of free text."""
    if required and not value.strip():
        return Problem(path, "This cannot be empty.")
    if len(value) > limit:
        return Problem(path, f"At most {limit} characters.")
    return None
