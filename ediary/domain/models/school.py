"""The school's structure: region, school, year and terms, classes, subjects, bells."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from ediary.domain.enums import TermSystem
from ediary.domain.models.fields import ClockTimeField

if TYPE_CHECKING:
    from ediary.domain.models.people import User


class Region(Model):
    """A regional education authority - its code selects the region policy."""

    id = fields.IntField(primary_key=True)
    code = fields.CharField(max_length=32, unique=True)
    name = fields.CharField(max_length=200)

    class Meta:
        table = "region"


class School(Model):
    """A school of a region."""

    id = fields.IntField(primary_key=True)
    region: fields.ForeignKeyRelation[Region] = fields.ForeignKeyField(
        "diary.Region", related_name="schools", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=300)
    short_name = fields.CharField(max_length=100)
    timezone = fields.CharField(max_length=64, default="Europe/Moscow")
    # The school, not every family, decides whether students see their rank in class.
    show_class_rating = fields.BooleanField(default=False)

    region_id: int

    class Meta:
        table = "school"


class AcademicYear(Model):
    """A school year, split into terms by the term system of the school."""

    id = fields.IntField(primary_key=True)
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "diary.School", related_name="years", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=20)
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    term_system = fields.CharEnumField(TermSystem, max_length=16, default=TermSystem.QUARTERS)

    school_id: int

    class Meta:
        table = "academic_year"
        unique_together = (("school", "name"),)


class Term(Model):
    """A quarter, trimester or half-year: the period a term mark is given for."""

    id = fields.IntField(primary_key=True)
    academic_year: fields.ForeignKeyRelation[AcademicYear] = fields.ForeignKeyField(
        "diary.AcademicYear", related_name="terms", on_delete=fields.CASCADE
    )
    number = fields.SmallIntField()
    starts_on = fields.DateField(db_index=True)
    ends_on = fields.DateField()

    academic_year_id: int

    class Meta:
        table = "term"
        unique_together = (("academic_year", "number"),)
        ordering = ("starts_on",)


class SchoolClass(Model):
    """A class of students for one academic year, such as "7B"."""

    id = fields.IntField(primary_key=True)
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "diary.School", related_name="classes", on_delete=fields.RESTRICT
    )
    academic_year: fields.ForeignKeyRelation[AcademicYear] = fields.ForeignKeyField(
        "diary.AcademicYear", related_name="classes", on_delete=fields.RESTRICT
    )
    grade = fields.SmallIntField()
    letter = fields.CharField(max_length=8)
    class_teacher: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name="homerooms", null=True, on_delete=fields.SET_NULL
    )

    school_id: int
    academic_year_id: int
    class_teacher_id: int | None

    class Meta:
        table = "school_class"
        unique_together = (("academic_year", "grade", "letter"),)
        # A teacher's homerooms are looked up on every request they make.
        indexes = (("class_teacher_id",),)

    @property
    def name(self) -> str:
        return f"{self.grade}{self.letter}"


class Subject(Model):
    """A subject taught at a school, such as Mathematics."""

    id = fields.IntField(primary_key=True)
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "diary.School", related_name="subjects", on_delete=fields.RESTRICT
    )
    name = fields.CharField(max_length=200)
    short_name = fields.CharField(max_length=50)

    school_id: int

    class Meta:
        table = "subject"
        unique_together = (("school", "name"),)


class TeachingAssignment(Model):
    """A teacher teaches a subject to a class - the basis of what teachers may see."""

    id = fields.IntField(primary_key=True)
    teacher: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "diary.User", related_name="assignments", on_delete=fields.RESTRICT
    )
    school_class: fields.ForeignKeyRelation[SchoolClass] = fields.ForeignKeyField(
        "diary.SchoolClass", related_name="assignments", on_delete=fields.CASCADE
    )
    subject: fields.ForeignKeyRelation[Subject] = fields.ForeignKeyField(
        "diary.Subject", related_name="assignments", on_delete=fields.RESTRICT
    )

    teacher_id: int
    school_class_id: int
    subject_id: int

    class Meta:
        table = "teaching_assignment"
        unique_together = (("teacher", "school_class", "subject"),)


class BellPeriod(Model):
    """A numbered period of the bell schedule of a school."""

    id = fields.IntField(primary_key=True)
    school: fields.ForeignKeyRelation[School] = fields.ForeignKeyField(
        "diary.School", related_name="bell_periods", on_delete=fields.CASCADE
    )
    number = fields.SmallIntField()
    starts_at = ClockTimeField()
    ends_at = ClockTimeField()

    school_id: int

    class Meta:
        table = "bell_period"
        unique_together = (("school", "number"),)
        ordering = ("number",)
