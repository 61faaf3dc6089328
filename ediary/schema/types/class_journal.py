"""Types of the teacher's class journal: students by lessons of one subject over a term."""

from __future__ import annotations

from typing import Self

import strawberry

from ediary.domain import class_journal
from ediary.domain.terms import terms_of_year
from ediary.schema.plain_trees import answered_at_once, stands_in
from ediary.schema.types.journal import Attendance, Interned, Lesson, Mark, SubjectAverage
from ediary.schema.types.people import Student
from ediary.schema.types.school import SchoolClass, Subject, Term


@strawberry.type(description="What one student got at one lesson of the journal.")
class ClassJournalCell:
    marks: list[Mark] = strawberry.field(
        description="Marks the student got at this lesson, in the order they were given."
    )
    attendance: Attendance | None = strawberry.field(
        description="Absence or lateness of the student; null when present."
    )

    @classmethod
    def from_domain(cls, cell: class_journal.JournalCell) -> ClassJournalCell:
        if not cell.marks and cell.attendance is None:
            # Most of a journal's cells; answers only read them, so they share one.
            return _EMPTY_CELL
        return cls(
            marks=[Mark.from_model(m) for m in cell.marks],
            attendance=Attendance.from_model(cell.attendance) if cell.attendance else None,
        )


_EMPTY_CELL = ClassJournalCell(marks=[], attendance=None)


@strawberry.type(description="One student's line of the class journal.")
class ClassJournalRow:
    student: Student = strawberry.field(
        description="The student of this row, enrolled in the class on some day of the term."
    )
    average: SubjectAverage = strawberry.field(
        description="The student's weighted average of the subject over the term, with marks "
        "from every class they were in."
    )
    _cells: strawberry.Private[list[class_journal.JournalCell]]

    @strawberry.field(description="One cell per lesson, in the order of the journal's `lessons`.")
    def cells(self) -> list[ClassJournalCell]:
        convert, empty = ClassJournalCell.from_domain, _EMPTY_CELL
        # Tested here rather than in from_domain: most cells are empty, and a call each
        # cost more than the rest of the journal's conversion.
        return [convert(c) if c.marks or c.attendance is not None else empty for c in self._cells]

    @classmethod
    def from_domain(cls, row: class_journal.JournalRow) -> Self:
        return cls(
            student=Student.from_model(row.student),
            average=SubjectAverage.from_domain(row.average),
            _cells=row.cells,
        )


# A tree reads the domain's cells, their marks and attendance as they are (`stands_in`):
# a journal's cells are most of its answer, and making an object of each cost as much as
# answering them. Only the executor, when a tree cannot answer, gets them made.
answered_at_once(ClassJournalRow, "cells")(lambda row: row._cells)
stands_in(ClassJournalCell, class_journal.JournalCell, ("marks", "attendance"))


@strawberry.type(
    description="The journal of one class and subject over a term: students by lessons."
)
class ClassJournal:
    school_class: SchoolClass = strawberry.field(description="The class whose journal this is.")
    subject: Subject = strawberry.field(
        description="The subject of the journal; one journal per class, subject and term."
    )
    term: Term = strawberry.field(description="The term the journal covers.")
    lessons: list[Lesson] = strawberry.field(
        description="Lessons of the subject in the term, by date and period: the columns."
    )
    rows: list[ClassJournalRow] = strawberry.field(
        description="Students who were in the class during the term, in register order "
        "(last name, first name, patronymic): the lines."
    )
    _academic_year_id: strawberry.Private[int]

    @strawberry.field(
        description="Every term of the class's school year, in order: the journals of this "
        "class and subject that can be opened (pass one's `id` as `termId`)."
    )
    async def terms(self) -> list[Term]:
        return [Term.from_model(t) for t in await terms_of_year(self._academic_year_id)]

    @classmethod
    def from_domain(cls, journal: class_journal.ClassJournal) -> Self:
        interned = Interned()
        return cls(
            school_class=SchoolClass.from_model(journal.school_class),
            subject=Subject.from_model(journal.subject),
            term=Term.from_model(journal.term),
            lessons=[Lesson.from_model(x, interned=interned) for x in journal.lessons],
            rows=[ClassJournalRow.from_domain(r) for r in journal.rows],
            _academic_year_id=journal.school_class.academic_year_id,
        )
