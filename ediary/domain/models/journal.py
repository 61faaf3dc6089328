"""What teachers write: lessons, homework, marks, term marks, attendance, remarks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from ediary.domain.enums import AttendanceKind, ExcuseKind, LessonStatus, RemarkKind, WorkKind
from ediary.domain.models.files import StoredFile

if TYPE_CHECKING:
    from ediary.domain.models.people import User
    from ediary.domain.models.school import AcademicYear, SchoolClass, Subject, Term


class Lesson(Model):
    """One lesson of the timetable of a class on a date and period, and what became of it."""

    id = fields.IntField(primary_key=True)
    school_class: fields.ForeignKeyRelation[SchoolClass] = fields.ForeignKeyField(
        "diary.SchoolClass", related_name="lessons", on_delete=fields.CASCADE
    )
    subject: fields.ForeignKeyRelation[Subject] = fields.ForeignKeyField(
        "diary.Subject", related_name="lessons", on_delete=fields.RESTRICT
    )
    teacher: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name="lessons", on_delete=fields.RESTRICT
    )
    date = fields.DateField()
    period = fields.SmallIntField()
    room = fields.CharField(max_length=32, default="")
    topic = fields.CharField(max_length=500, default="")
    status = fields.CharEnumField(LessonStatus, max_length=16, default=LessonStatus.HELD)
    substitute_teacher: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name="substitutions", null=True, on_delete=fields.SET_NULL
    )
    # Set only when the room was changed: the timetable's room, so the diary can show the move.
    scheduled_room = fields.CharField(max_length=32, null=True)
    change_note = fields.CharField(max_length=300, default="")

    school_class_id: int
    subject_id: int
    teacher_id: int
    substitute_teacher_id: int | None

    class Meta:
        table = "lesson"
        indexes = (
            ("school_class_id", "date"),
            ("teacher_id", "date"),
            ("substitute_teacher_id", "date"),
        )
        ordering = ("date", "period")


class Homework(Model):
    """Homework set at a lesson, due on a date."""

    id = fields.IntField(primary_key=True)
    lesson: fields.ForeignKeyRelation[Lesson] = fields.ForeignKeyField(
        "diary.Lesson", related_name="homework", on_delete=fields.CASCADE
    )
    text = fields.TextField()
    due_on = fields.DateField(db_index=True)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    lesson_id: int
    author_id: int
    attachments: fields.ReverseRelation[HomeworkAttachment]

    class Meta:
        table = "homework"
        # The diary and the timetables load the homework of a week's lessons by lesson.
        indexes = (("lesson_id",),)


class HomeworkAttachment(StoredFile):
    """A file attached to homework - the bytes live in the attachment storage."""

    homework: fields.ForeignKeyRelation[Homework] = fields.ForeignKeyField(
        "diary.Homework", related_name="attachments", on_delete=fields.CASCADE
    )

    homework_id: int

    class Meta:
        table = "homework_attachment"
        indexes = (("homework_id",),)


class Mark(Model):
    """A mark for a lesson or a dated piece of work - never physically deleted."""

    id = fields.IntField(primary_key=True)
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name="marks", on_delete=fields.RESTRICT
    )
    # Null for work not tied to a lesson (an olympiad, a make-up test): date and class say when.
    lesson: fields.ForeignKeyNullableRelation[Lesson] = fields.ForeignKeyField(
        "diary.Lesson", related_name="marks", null=True, on_delete=fields.RESTRICT
    )
    # Class, subject, term and date are copied from the lesson so that averages and journal
    # pages filter one table instead of joining lessons.
    school_class: fields.ForeignKeyRelation[SchoolClass] = fields.ForeignKeyField(
        "diary.SchoolClass", related_name="marks", on_delete=fields.RESTRICT
    )
    subject: fields.ForeignKeyRelation[Subject] = fields.ForeignKeyField(
        "diary.Subject", related_name="marks", on_delete=fields.RESTRICT
    )
    term: fields.ForeignKeyRelation[Term] = fields.ForeignKeyField(
        "diary.Term", related_name="marks", on_delete=fields.RESTRICT
    )
    date = fields.DateField()
    value = fields.SmallIntField()
    weight = fields.SmallIntField(default=1)
    kind = fields.CharEnumField(WorkKind, max_length=16, default=WorkKind.CLASSWORK)
    comment = fields.CharField(max_length=500, default="")
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    deleted_at = fields.DatetimeField(null=True)

    student_id: int
    lesson_id: int | None
    school_class_id: int
    subject_id: int
    term_id: int
    author_id: int

    class Meta:
        table = "mark"
        indexes = (
            ("student_id", "date"),
            ("student_id", "term_id", "subject_id"),
            ("lesson_id", "student_id"),
            # Term reports and the regional view aggregate a school's term by student and subject.
            ("term_id", "student_id", "subject_id"),
        )


class FinalMark(Model):
    """A term mark (with a term) or a year mark (without one) for a student and subject."""

    id = fields.IntField(primary_key=True)
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    subject: fields.ForeignKeyRelation[Subject] = fields.ForeignKeyField(
        "diary.Subject", related_name=False, on_delete=fields.RESTRICT
    )
    academic_year: fields.ForeignKeyRelation[AcademicYear] = fields.ForeignKeyField(
        "diary.AcademicYear", related_name=False, on_delete=fields.RESTRICT
    )
    term: fields.ForeignKeyNullableRelation[Term] = fields.ForeignKeyField(
        "diary.Term", related_name=False, null=True, on_delete=fields.RESTRICT
    )
    value = fields.SmallIntField()
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    student_id: int
    subject_id: int
    academic_year_id: int
    term_id: int | None
    author_id: int

    class Meta:
        table = "final_mark"
        unique_together = (("student", "subject", "academic_year", "term"),)


class Attendance(Model):
    """An absence from or lateness to a lesson by a student, and whether it is excused."""

    id = fields.IntField(primary_key=True)
    lesson: fields.ForeignKeyRelation[Lesson] = fields.ForeignKeyField(
        "diary.Lesson", related_name="attendance", on_delete=fields.CASCADE
    )
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(AttendanceKind, max_length=16)
    minutes_late = fields.SmallIntField(null=True)
    reason = fields.CharField(max_length=300, default="")
    excused = fields.BooleanField(default=False)
    excuse_kind = fields.CharEnumField(ExcuseKind, max_length=16, null=True)
    # The lesson's date, kept with the row because PostgreSQL partitions the table by it
    # (ediary.domain.partitions); a lesson's date never changes.
    date = fields.DateField()
    recorded_by: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    lesson_id: int
    student_id: int
    recorded_by_id: int

    class Meta:
        table = "attendance"
        unique_together = (("lesson", "student"),)
        # A student's week and term (the diary, reports) by student and date.
        indexes = (("student_id", "date"),)


class Remark(Model):
    """A remark by a teacher on the behaviour or preparation of a student at a lesson."""

    id = fields.IntField(primary_key=True)
    lesson: fields.ForeignKeyRelation[Lesson] = fields.ForeignKeyField(
        "diary.Lesson", related_name="remarks", on_delete=fields.CASCADE
    )
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    kind = fields.CharEnumField(RemarkKind, max_length=16)
    text = fields.CharField(max_length=1000)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)

    lesson_id: int
    student_id: int
    author_id: int

    class Meta:
        table = "remark"
        indexes = (("student_id", "lesson_id"),)


class TermRemark(Model):
    """The remark of the class teacher on a student for a term, printed on the report card."""

    id = fields.IntField(primary_key=True)
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    term: fields.ForeignKeyRelation[Term] = fields.ForeignKeyField(
        "diary.Term", related_name=False, on_delete=fields.RESTRICT
    )
    # The class whose card carries it: the one the student was in (last) during the term.
    school_class: fields.ForeignKeyRelation[SchoolClass] = fields.ForeignKeyField(
        "diary.SchoolClass", related_name=False, on_delete=fields.CASCADE
    )
    text = fields.CharField(max_length=1000)
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    student_id: int
    term_id: int
    school_class_id: int
    author_id: int

    class Meta:
        table = "term_remark"
        unique_together = (("student", "term"),)
        # The class file reads a class's remarks for a term at once.
        indexes = (("school_class_id", "term_id"),)


class AbsenceNotice(Model):
    """A parent tells the school ahead that a child will be away on these days (a note
    given before the absence, not an excuse of one already recorded)."""

    id = fields.IntField(primary_key=True)
    student: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    parent: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.CASCADE
    )
    first_day = fields.DateField()
    last_day = fields.DateField()
    reason = fields.CharField(max_length=300, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    student_id: int
    parent_id: int

    class Meta:
        table = "absence_notice"
        # Lessons find the notices of their students by day.
        indexes = (("student_id", "first_day"),)


class PlannedWork(Model):
    """A test, quiz or other work a teacher announces ahead for a lesson of the timetable."""

    id = fields.IntField(primary_key=True)
    lesson: fields.ForeignKeyRelation[Lesson] = fields.ForeignKeyField(
        "diary.Lesson", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(WorkKind, max_length=16)
    # Written away from the classroom (a remote test): families need to know ahead.
    remote = fields.BooleanField(default=False)
    topic = fields.CharField(max_length=200, default="")
    description = fields.CharField(max_length=1000, default="")
    weight = fields.SmallIntField()
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name=False, on_delete=fields.RESTRICT
    )
    # Grows with each move: reminders of an earlier date keep their keys, new ones get new
    # keys, and the outbox's unique key never collides (see journal.planned_work).
    revision = fields.SmallIntField(default=0)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)
    # Cancelled work stays for the reminders already sent, and is shown nowhere.
    cancelled_at = fields.DatetimeField(null=True)

    lesson_id: int
    author_id: int

    class Meta:
        table = "planned_work"
        # The diary, the timetables and the forecast find the work of their lessons.
        indexes = (("lesson_id",),)
