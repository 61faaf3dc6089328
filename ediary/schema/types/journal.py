"""Types of what teachers write: lessons, homework, marks, attendance, remarks."""

from __future__ import annotations

import datetime
from collections.abc import Awaitable, Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Self, cast

import strawberry
from strawberry import relay

from ediary.domain import enums, models, rows, timetable, zones
from ediary.domain.averages import SubjectAverage as DomainAverage
from ediary.domain.errors import NotFound
from ediary.domain.grading import display_average
from ediary.domain.journal.absence_notices import LessonKey
from ediary.domain.marks import visible_marks
from ediary.schema.ids import node_keys, resolve_each
from ediary.schema.info import Info
from ediary.schema.plain_trees import GIVE_UP, answered_at_once, stands_in
from ediary.schema.types.people import Student, Teacher
from ediary.schema.types.school import BellPeriod, SchoolClass, Subject, Term, school_zone

if TYPE_CHECKING:
    from ediary.schema.types.history import MarkEvent

NOT_LOADED = object()


class Interned:
    """The teachers and subjects of one view, each answered by one object.

    A week or a timetable names the same dozen teachers and subjects in all its lessons;
    building them once per view instead of once per lesson is a measurable part of a
    computed week (`bench.profile_w1`). They are read-only answers, so sharing is safe.
    """

    __slots__ = ("_subjects", "_teachers")

    def __init__(self) -> None:
        self._teachers: dict[int, Teacher] = {}
        self._subjects: dict[int, Subject] = {}

    def teacher(self, person: models.User | rows.PersonRow) -> Teacher:
        found = self._teachers.get(person.id)
        if found is None:
            found = self._teachers[person.id] = Teacher.from_model(person)
        return found

    def subject(self, subject: models.Subject | rows.SubjectRow) -> Subject:
        found = self._subjects.get(subject.id)
        if found is None:
            found = self._subjects[subject.id] = Subject.from_model(subject)
        return found


def _bell_period(bell: object) -> BellPeriod | None:
    if isinstance(bell, models.BellPeriod | rows.BellRow):
        return BellPeriod.from_model(bell)
    return None


LessonStatus = strawberry.enum(
    enums.LessonStatus, description="What happened to a lesson compared with the timetable."
)
WorkKind = strawberry.enum(enums.WorkKind, description="The kind of work a mark was given for.")
AttendanceKind = strawberry.enum(enums.AttendanceKind, description="Absent or late.")
ExcuseKind = strawberry.enum(enums.ExcuseKind, description="Who excused an absence.")
RemarkKind = strawberry.enum(enums.RemarkKind, description="What a remark is about.")


@strawberry.type(description="A file attached to homework.")
class Attachment(relay.Node):
    id: relay.NodeID[int]
    filename: str = strawberry.field(description="Original file name.")
    content_type: str = strawberry.field(
        description="MIME type of the file, as its contents show, not as its name claims."
    )
    size: int = strawberry.field(description="Size in bytes.")

    @classmethod
    def from_model(cls, attachment: models.HomeworkAttachment | rows.FileRow) -> Self:
        return cls(
            id=attachment.id,
            filename=attachment.filename,
            content_type=attachment.content_type,
            size=attachment.size,
        )

    @strawberry.field(
        description="Absolute address to download the file from, with the same login (cookie "
        "or bearer token)."
    )
    def url(self, info: Info) -> str:
        return info.context.links.homework_file(self.id)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(attachment_id: int) -> models.HomeworkAttachment:
            attachment = await models.HomeworkAttachment.get_or_none(
                id=attachment_id
            ).select_related("homework__lesson")
            if attachment is None:
                raise NotFound()
            await timetable.visible_class(viewer, attachment.homework.lesson.school_class_id)
            return attachment

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(description="Homework set at a lesson.")
class Homework(relay.Node):
    id: relay.NodeID[int]
    text: str = strawberry.field(description="What to do, as the teacher wrote it.")
    due_on: datetime.date = strawberry.field(description="The day it is due.")
    attachments: list[Attachment] = strawberry.field(description="Files the teacher attached.")
    _lesson_id: strawberry.Private[int]
    # The lesson when the caller has it at hand (the diary), else None: loaded when asked.
    _lesson: strawberry.Private[models.Lesson | rows.LessonRow | None] = None

    @classmethod
    def from_model(
        cls,
        homework: models.Homework | rows.HomeworkRow,
        lesson: models.Lesson | rows.LessonRow | None = None,
    ) -> Self:
        files = [Attachment.from_model(a) for a in homework.attachments]
        return cls(
            id=homework.id,
            text=homework.text,
            due_on=homework.due_on,
            attachments=files,
            _lesson_id=homework.lesson_id,
            _lesson=lesson,
        )

    @strawberry.field(
        description="The lesson the homework was set at: its subject, its day (`date`) and "
        "its teacher."
    )
    async def lesson(self, info: Info) -> Lesson:
        # Async, unlike Attendance.lesson: Lesson is defined below and names Homework itself.
        found = lesson_of(info, self._lesson_id, self._lesson)
        return found if isinstance(found, Lesson) else await found

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(homework_id: int) -> models.Homework:
            homework = await models.Homework.get_or_none(id=homework_id).prefetch_related(
                "attachments", "lesson"
            )
            if homework is None:
                raise NotFound()
            await timetable.visible_class(viewer, homework.lesson.school_class_id)
            return homework

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(
    description="A test, quiz or other work a teacher announced ahead for a lesson "
    "(`announceWork`), shown to whoever sees the lesson."
)
class PlannedWork(relay.Node):
    id: relay.NodeID[int]
    kind: WorkKind = strawberry.field(  # type: ignore[valid-type]
        description="The kind of work: a test, a quiz, a dictation..."
    )
    remote: bool = strawberry.field(
        description="Whether it is written away from the classroom (a remote test)."
    )
    topic: str = strawberry.field(description="What it covers; may be empty.")
    description: str = strawberry.field(
        description="What to bring or revise, as the teacher wrote it; may be empty."
    )
    weight: int = strawberry.field(
        description="How much its mark will count in the average: the region's weight for "
        "the kind unless the teacher chose another."
    )
    _lesson_id: strawberry.Private[int]
    # The lesson when the caller has it at hand (the diary), else None: loaded when asked.
    _lesson: strawberry.Private[models.Lesson | rows.LessonRow | None] = None

    @classmethod
    def from_model(
        cls,
        work: models.PlannedWork | rows.PlannedWorkRow,
        lesson: models.Lesson | rows.LessonRow | None = None,
    ) -> Self:
        return cls(
            id=work.id,
            kind=work.kind,
            remote=work.remote,
            topic=work.topic,
            description=work.description,
            weight=work.weight,
            _lesson_id=work.lesson_id,
            _lesson=lesson,
        )

    @strawberry.field(
        description="The lesson the work is announced for: its subject, day and teacher."
    )
    async def lesson(self, info: Info) -> Lesson:
        found = lesson_of(info, self._lesson_id, self._lesson)
        return found if isinstance(found, Lesson) else await found

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(work_id: int) -> models.PlannedWork:
            # Cancelled work is gone for readers, as if it had never been announced.
            work = await models.PlannedWork.get_or_none(
                id=work_id, cancelled_at=None
            ).select_related("lesson")
            if work is None:
                raise NotFound()
            await timetable.visible_class(viewer, work.lesson.school_class_id)
            return work

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(
    description="A parent's notice that a child will be away on some days, given ahead "
    "(`announceAbsence`). It excuses nothing by itself and changes no register."
)
class AbsenceNotice:
    first_day: datetime.date = strawberry.field(
        name="from", description="The first day the child will be away."
    )
    last_day: datetime.date = strawberry.field(
        name="to", description="The last day the child will be away."
    )
    reason: str = strawberry.field(description="The reason the parent gave; may be empty.")
    created_at: datetime.datetime = strawberry.field(description="When it was announced.")
    _student_id: strawberry.Private[int]

    @classmethod
    def from_model(cls, notice: models.AbsenceNotice) -> Self:
        return cls(
            first_day=notice.first_day,
            last_day=notice.last_day,
            reason=notice.reason,
            created_at=notice.created_at,
            _student_id=notice.student_id,
        )

    @strawberry.field(description="The child who will be away.")
    async def student(self, info: Info) -> Student:
        user = await info.context.loaders.user.load(self._student_id)
        assert user is not None
        return Student.from_model(user)


@strawberry.type(description="A lesson of the timetable of a class, with any change to it.")
class Lesson(relay.Node):
    id: relay.NodeID[int]
    date: datetime.date = strawberry.field(description="The day of the lesson.")
    period: int = strawberry.field(description="Period number in the bell schedule.")
    subject: Subject = strawberry.field(description="The subject taught.")
    teacher: Teacher = strawberry.field(description="The teacher of the timetable.")
    substitute_teacher: Teacher | None = strawberry.field(
        description="Who teaches instead, when the lesson is SUBSTITUTED."
    )
    room: str = strawberry.field(description="Where the lesson takes place.")
    scheduled_room: str | None = strawberry.field(
        description="The room of the timetable, set only when the lesson was moved to `room`."
    )
    topic: str = strawberry.field(description="The topic of the lesson; empty until set.")
    status: LessonStatus = strawberry.field(  # type: ignore[valid-type]
        description="HELD, CANCELLED or SUBSTITUTED."
    )
    change_note: str = strawberry.field(description="Why the lesson changed, if it did.")
    _model: strawberry.Private[models.Lesson | rows.LessonRow]
    # NOT_LOADED until a caller that fetched the bell schedule passes the bell (or None).
    _bell: strawberry.Private[models.BellPeriod | object | None] = NOT_LOADED
    _homework: strawberry.Private[Sequence[models.Homework | rows.HomeworkRow] | None] = None

    @classmethod
    def from_model(
        cls,
        lesson: models.Lesson | rows.LessonRow,
        bell: models.BellPeriod | object | None = NOT_LOADED,
        homework: Sequence[models.Homework | rows.HomeworkRow] | None = None,
        interned: Interned | None = None,
    ) -> Self:
        shared = interned or Interned()
        return cls(
            id=lesson.id,
            date=lesson.date,
            period=lesson.period,
            subject=shared.subject(lesson.subject),
            teacher=shared.teacher(lesson.teacher),
            substitute_teacher=(
                shared.teacher(lesson.substitute_teacher) if lesson.substitute_teacher else None
            ),
            room=lesson.room,
            scheduled_room=lesson.scheduled_room,
            topic=lesson.topic,
            status=lesson.status,
            change_note=lesson.change_note,
            _model=lesson,
            _bell=bell,
            _homework=homework,
        )

    # `bell` and `homework` are plain functions that answer at once when the caller passed
    # what they need, and an awaitable only when it must be loaded: an `async def` would make
    # a coroutine for every lesson and turn the whole answer around it asynchronous.
    @strawberry.field(
        description="Start and end of the period, from the bell schedule.",
        graphql_type=BellPeriod | None,
    )
    def bell(self, info: Info) -> BellPeriod | Awaitable[BellPeriod | None] | None:
        found = self.bell_at_once()
        return self._load_bell(info) if found is GIVE_UP else found

    def bell_at_once(self) -> BellPeriod | None:
        """The bell when the caller passed it, else GIVE_UP: how a plain tree reads `bell`."""
        if self._bell is NOT_LOADED:
            return cast("BellPeriod | None", GIVE_UP)
        return _bell_period(self._bell)

    async def _load_bell(self, info: Info) -> BellPeriod | None:
        school_class = await info.context.loaders.school_class.load(self._model.school_class_id)
        assert school_class is not None
        bells = await info.context.loaders.bells.load(school_class.school_id)
        return _bell_period(bells.get(self.period))

    @strawberry.field(
        description="When the lesson starts: its day at its period's bell, with the school's "
        "UTC offset on that day (`School.timeZone`); null when the school rings no bell for "
        "the period."
    )
    async def starts_at(self, info: Info) -> datetime.datetime | None:
        return await self._moment(info, start=True)

    @strawberry.field(
        description="When the lesson ends, like `startsAt`; null without a bell for the period."
    )
    async def ends_at(self, info: Info) -> datetime.datetime | None:
        return await self._moment(info, start=False)

    async def _moment(self, info: Info, *, start: bool) -> datetime.datetime | None:
        found = self.bell(info)
        bell = found if found is None or isinstance(found, BellPeriod) else await found
        if bell is None:
            return None
        school_class = await info.context.loaders.school_class.load(self._model.school_class_id)
        assert school_class is not None
        school = await info.context.loaders.school.load(school_class.school_id)
        assert school is not None
        clock = bell.starts_at if start else bell.ends_at
        return zones.local_moment(self.date, clock, school_zone(school))

    @strawberry.field(
        description="Homework set at this lesson.", graphql_type=list[Homework] | None
    )
    def homework(self, info: Info) -> list[Homework] | Awaitable[list[Homework]] | None:
        if self._homework is None:
            return self._load_homework(info)
        return [Homework.from_model(h, self._model) for h in self._homework]

    async def _load_homework(self, info: Info) -> list[Homework]:
        found = await info.context.loaders.homework_by_lesson.load(self.id)
        return [Homework.from_model(h, self._model) for h in found]

    @strawberry.field(
        description="Tests, quizzes and other work announced for this lesson, in the order "
        "they were announced; cancelled work is not listed. Empty when none."
    )
    async def planned_work(self, info: Info) -> list[PlannedWork]:
        found = await info.context.loaders.planned_work.load(self.id)
        return [PlannedWork.from_model(w, self._model) for w in found]

    @strawberry.field(
        description="Absences announced ahead by parents for this lesson's day, of the "
        "students of its class whose attendance at it the viewer sees: the class teacher, "
        "the teacher of the subject, the administration and the health worker see their "
        "students', a family its own child's. Empty when none."
    )
    async def absence_notices(self, info: Info) -> list[AbsenceNotice]:
        viewer = await info.context.require_viewer()
        key = LessonKey(self._model.school_class_id, self.subject.id, self.date)
        found = await info.context.loaders.absence_notices.load((viewer, key))
        return [AbsenceNotice.from_model(n) for n in found]

    @strawberry.field(description="The class the lesson is for.")
    async def school_class(self, info: Info) -> SchoolClass | None:
        found = await info.context.loaders.school_class.load(self._model.school_class_id)
        assert found is not None
        return SchoolClass.from_model(found)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(lesson_id: int) -> models.Lesson:
            lesson = await info.context.loaders.lesson.load(lesson_id)
            if lesson is None:
                raise NotFound()
            await timetable.visible_class(viewer, lesson.school_class_id)
            return lesson

        return await resolve_each(node_ids, required, visible, cls.from_model)


# A tree over lessons the caller gave bells to (a diary week, a timetable) reads them at once.
answered_at_once(Lesson, "bell")(Lesson.bell_at_once)


def lesson_of(
    info: Info, lesson_id: int, lesson: models.Lesson | rows.LessonRow | None
) -> Lesson | Awaitable[Lesson]:
    """The lesson a record was written at: at once when the caller had it, else through the
    request's lesson loader (one statement for every record of the answer). Whoever sees the
    record sees its lesson, which is of the same class and subject."""
    if lesson is not None:
        return Lesson.from_model(lesson)
    return _load_lesson(info, lesson_id)


async def _load_lesson(info: Info, lesson_id: int) -> Lesson:
    found = await info.context.loaders.lesson.load(lesson_id)
    assert found is not None  # a record's lesson is deleted only with the record
    return Lesson.from_model(found)


@strawberry.type(description="A mark given to a student.")
class Mark(relay.Node):
    id: relay.NodeID[int]
    value: int = strawberry.field(description="The mark on the scale of the region, such as 5.")
    weight: int = strawberry.field(description="How much the mark counts in the average.")
    kind: WorkKind = strawberry.field(  # type: ignore[valid-type]
        description="The kind of work the mark was given for."
    )
    comment: str = strawberry.field(description="The comment of the teacher; may be empty.")
    date: datetime.date = strawberry.field(description="The day of the lesson or the work.")

    # Built when asked for: a journal's hundreds of marks rarely are asked their subject
    # (the journal's own) or author. The mark was read with both, so a tree reads them too.
    @strawberry.field(description="The subject of the mark.")
    def subject(self) -> Subject:
        return _mark_subject(self)

    @strawberry.field(description="The teacher who gave the mark.")
    def author(self) -> Teacher:
        return _mark_author(self)

    created_at: datetime.datetime = strawberry.field(description="When the mark was entered.")
    updated_at: datetime.datetime = strawberry.field(description="When it last changed.")
    _model: strawberry.Private[models.Mark | rows.MarkRow]

    @classmethod
    def from_model(cls, mark: models.Mark | rows.MarkRow) -> Self:
        return cls(
            id=mark.id,
            value=mark.value,
            weight=mark.weight,
            kind=mark.kind,
            comment=mark.comment,
            date=mark.date,
            created_at=mark.created_at,
            updated_at=mark.updated_at,
            _model=mark,
        )

    @strawberry.field(description="The lesson the mark was given at; null for dated work.")
    async def lesson(self, info: Info) -> Lesson | None:
        if self._model.lesson_id is None:
            return None
        lesson = await info.context.loaders.lesson.load(self._model.lesson_id)
        return Lesson.from_model(lesson) if lesson else None

    @strawberry.field(description="The student who got the mark.")
    async def student(self, info: Info) -> Student | None:
        user = await info.context.loaders.user.load(self._model.student_id)
        assert user is not None
        return Student.from_model(user)

    @strawberry.field(
        description="Every change of the mark, oldest first: who, when, what before and after, why."
    )
    async def history(
        self, info: Info
    ) -> list[Annotated[MarkEvent, strawberry.lazy("ediary.schema.types.history")]] | None:
        from ediary.schema.types.history import MarkEvent

        events = await info.context.loaders.mark_events.load(self.id)
        return [MarkEvent.from_model(e) for e in events]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()
        node_ids = list(node_ids)
        marks = await visible_marks(viewer, node_keys(node_ids))

        async def visible(mark_id: int) -> models.Mark:
            if mark_id not in marks:
                raise NotFound()
            return marks[mark_id]

        return await resolve_each(node_ids, required, visible, cls.from_model)


@answered_at_once(Mark, "subject")
def _mark_subject(mark: Mark) -> Subject:
    return Subject.from_model(mark._model.subject)


@answered_at_once(Mark, "author")
def _mark_author(mark: Mark) -> Teacher:
    return Teacher.from_model(mark._model.author)


# A tree answers the domain's mark rows as marks without making one of each first.
stands_in(
    Mark,
    rows.MarkRow,
    ("id", "value", "weight", "kind", "comment", "date", "created_at", "updated_at"),
)
answered_at_once(rows.MarkRow, "subject")(lambda row: Subject.from_model(row.subject))
answered_at_once(rows.MarkRow, "author")(lambda row: Teacher.from_model(row.author))


@strawberry.type(description="An absence from or lateness to a lesson.")
class Attendance:
    kind: AttendanceKind = strawberry.field(description="ABSENT or LATE.")  # type: ignore[valid-type]
    minutes_late: int | None = strawberry.field(description="Minutes late, for LATE.")
    reason: str = strawberry.field(description="The reason given; may be empty.")
    excused: bool = strawberry.field(description="Whether the absence is excused.")
    excuse_kind: ExcuseKind | None = strawberry.field(  # type: ignore[valid-type]
        description="Who excused it: a note of the parent, a medical excuse or the school."
    )
    _lesson_id: strawberry.Private[int]
    _lesson: strawberry.Private[models.Lesson | rows.LessonRow | None] = None

    @classmethod
    def from_model(
        cls,
        record: models.Attendance | rows.AttendanceRow,
        lesson: models.Lesson | rows.LessonRow | None = None,
    ) -> Self:
        return cls(
            kind=record.kind,
            minutes_late=record.minutes_late,
            reason=record.reason,
            excused=record.excused,
            excuse_kind=record.excuse_kind,
            _lesson_id=record.lesson_id,
            _lesson=lesson,
        )

    @strawberry.field(
        description="The lesson missed or come late to: its subject, its day (`date`) and "
        "its period.",
        graphql_type=Lesson,
    )
    def lesson(self, info: Info) -> Lesson | Awaitable[Lesson]:
        return lesson_of(info, self._lesson_id, self._lesson)


stands_in(
    Attendance,
    rows.AttendanceRow,
    ("kind", "minutes_late", "reason", "excused", "excuse_kind"),
)


@strawberry.type(description="A remark of a teacher on behaviour or preparation.")
class Remark:
    kind: RemarkKind = strawberry.field(description="What the remark is about.")  # type: ignore[valid-type]
    text: str = strawberry.field(description="The remark as written.")
    author: Teacher = strawberry.field(description="The teacher who wrote it.")
    created_at: datetime.datetime = strawberry.field(description="When it was written.")

    @classmethod
    def from_model(cls, remark: models.Remark) -> Self:
        return cls(
            kind=remark.kind,
            text=remark.text,
            author=Teacher.from_model(remark.author),
            created_at=remark.created_at,
        )


@strawberry.type(
    description="The class teacher's remark on a student for a term, printed on the term "
    "report card under its marks."
)
class TermRemark:
    text: str = strawberry.field(description="The remark as written, at most 1000 characters.")
    term: Term = strawberry.field(description="The term the remark is about.")
    author: Teacher = strawberry.field(
        description="Who wrote it last: the class teacher or the school's administration."
    )
    created_at: datetime.datetime = strawberry.field(description="When it was first written.")
    updated_at: datetime.datetime = strawberry.field(description="When it was last changed.")

    @classmethod
    def from_model(cls, remark: models.TermRemark) -> Self:
        return cls(
            text=remark.text,
            term=Term.from_model(remark.term),
            author=Teacher.from_model(remark.author),
            created_at=remark.created_at,
            updated_at=remark.updated_at,
        )


@strawberry.type(description="A term mark (with a term) or a year mark (without one).")
class FinalMark:
    subject: Subject = strawberry.field(description="The subject the mark is given in.")
    term: Term | None = strawberry.field(description="The term; null for the year mark.")
    value: int = strawberry.field(
        description="The term or year mark on the region's scale, as the teacher gave it."
    )

    @classmethod
    def from_model(cls, mark: models.FinalMark) -> Self:
        return cls(
            subject=Subject.from_model(mark.subject),
            term=Term.from_model(mark.term) if mark.term else None,
            value=mark.value,
        )


@strawberry.type(description="Standing in one subject over one term.")
class SubjectAverage:
    subject: Subject = strawberry.field(description="The subject whose marks are averaged.")
    term: Term = strawberry.field(description="The term averaged over.")
    average: float | None = strawberry.field(
        description="Weighted average: sum of value times weight over sum of weights, to 0.01."
    )
    mark_count: int = strawberry.field(description="How many marks the average is made of.")
    weight_total: int = strawberry.field(description="Sum of the weights of those marks.")
    forecast: int | None = strawberry.field(
        description="The term mark the average rounds to under the policy of the region."
    )

    @classmethod
    def from_domain(cls, item: DomainAverage) -> Self:
        shown = display_average(item.average)
        return cls(
            subject=Subject.from_model(item.subject),
            term=Term.from_model(item.term),
            average=float(shown) if shown is not None else None,
            mark_count=item.mark_count,
            weight_total=item.weight_total,
            forecast=item.forecast,
        )
