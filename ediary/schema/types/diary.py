"""Types of the week views: a student's diary and the timetables."""

from __future__ import annotations

import datetime
from typing import Self

import strawberry

from ediary.adapters.limits import MaxItems
from ediary.domain import diary, timetable
from ediary.domain.weeks import IsoWeek
from ediary.schema.info import Info
from ediary.schema.types.journal import (
    Attendance,
    Homework,
    Interned,
    Lesson,
    Mark,
    PlannedWork,
    Remark,
    SubjectAverage,
)
from ediary.schema.types.people import Student
from ediary.schema.types.school import Term


@strawberry.type(description="A lesson in the diary of one student.")
class DiaryLesson:
    lesson: Lesson = strawberry.field(description="The lesson, its times and changes.")
    homework: list[Homework] = strawberry.field(description="Homework set at this lesson.")
    marks: list[Mark] = strawberry.field(description="Marks the student got at this lesson.")
    attendance: Attendance | None = strawberry.field(
        description="Absence or lateness of the student; null when present."
    )
    planned_work: list[PlannedWork] = strawberry.field(
        description="Tests, quizzes and other work announced for this lesson, in the order "
        "they were announced; empty when none."
    )
    _entry: strawberry.Private[diary.DiaryLesson]

    @strawberry.field(description="Remarks on the student at this lesson.")
    async def remarks(self) -> list[Remark] | None:
        return [Remark.from_model(r) for r in await self._entry.remarks()]

    @classmethod
    def from_domain(cls, entry: diary.DiaryLesson, interned: Interned) -> Self:
        return cls(
            lesson=Lesson.from_model(entry.lesson, entry.bell, entry.homework, interned),
            homework=[Homework.from_model(h, entry.lesson) for h in entry.homework],
            marks=[Mark.from_model(m) for m in entry.marks],
            attendance=(
                Attendance.from_model(entry.attendance, entry.lesson) if entry.attendance else None
            ),
            planned_work=[PlannedWork.from_model(w, entry.lesson) for w in entry.planned_work],
            _entry=entry,
        )


@strawberry.type(description="One day of the diary of a student.")
class DiaryDay:
    date: datetime.date = strawberry.field(
        description="The calendar day, in the school's time zone."
    )
    lessons: list[DiaryLesson] = strawberry.field(description="Lessons in period order.")
    other_marks: list[Mark] = strawberry.field(
        description="Marks for dated work not tied to a lesson, such as a make-up test."
    )

    @classmethod
    def from_domain(cls, day: diary.DiaryDay, interned: Interned) -> Self:
        return cls(
            date=day.date,
            lessons=[DiaryLesson.from_domain(e, interned) for e in day.lessons],
            other_marks=[Mark.from_model(m) for m in day.other_marks],
        )


@strawberry.type(description="The diary of a student for one week, Monday to Sunday.")
class DiaryWeek:
    week: IsoWeek = strawberry.field(description='The ISO week, such as "2026-W48".')
    days: list[DiaryDay] = strawberry.field(
        description="Seven days, Monday first.", extensions=[MaxItems(7)]
    )
    term: Term | None = strawberry.field(description="The term the week falls in.")
    term_averages: list[SubjectAverage] = strawberry.field(
        description="Weighted average per subject over that term, up to today."
    )
    _found: strawberry.Private[diary.DiaryWeek]

    @strawberry.field(description="Whose diary this is.")
    async def student(self) -> Student | None:
        return Student.from_model(await self._found.student())

    @strawberry.field(
        description="Absolute address of this week as a PDF page to print, served with the "
        "same login (cookie or bearer token)."
    )
    def print_url(self, info: Info) -> str:
        return info.context.links.printed_week(self._found.student_id, str(self.week))

    @classmethod
    def from_domain(cls, week: diary.DiaryWeek) -> Self:
        interned = Interned()
        return cls(
            _found=week,
            week=week.week,
            days=[DiaryDay.from_domain(d, interned) for d in week.days],
            term=Term.from_model(week.term) if week.term else None,
            term_averages=[SubjectAverage.from_domain(a) for a in week.averages],
        )


@strawberry.type(description="One day of a timetable.")
class TimetableDay:
    date: datetime.date = strawberry.field(
        description="The calendar day, in the school's time zone."
    )
    lessons: list[Lesson] = strawberry.field(description="Lessons in period order.")


@strawberry.type(description="A timetable for one week, Monday to Sunday.")
class Timetable:
    week: IsoWeek = strawberry.field(description='The ISO week, such as "2026-W48".')
    days: list[TimetableDay] = strawberry.field(
        description="Seven days, Monday first.", extensions=[MaxItems(7)]
    )

    @classmethod
    def from_domain(cls, found: timetable.Timetable) -> Self:
        interned = Interned()
        return cls(
            week=found.week,
            days=[
                TimetableDay(
                    date=day.date,
                    lessons=[
                        Lesson.from_model(x, found.bell(x), interned=interned) for x in day.lessons
                    ],
                )
                for day in found.days
            ],
        )
