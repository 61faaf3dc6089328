"""Which documents read students' own records (marks, attendance, remarks) only for the
students the domain declares (`ediary.domain.reads`), so that their kept answers may be
checked against those students' versions instead of the whole database's.

A document qualifies when every field it selects, found by walking it against the schema,
is one of `DECLARED_FIELDS`: coordinates whose resolvers read the scoped tables
(`ediary.domain.dataversion.SCOPED`) only through a domain call that declares the student,
or not at all. Anything else (another field, an unknown one) keeps the coarse version.
Adding a coordinate is a promise about its resolver and everything under it: check it reads
no other student's marks, attendance, remarks or their history.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql import (
    BREAK,
    DocumentNode,
    FieldNode,
    GraphQLSchema,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    visit,
)

DECLARED_FIELDS = frozenset(
    {
        # `diary.load_week` declares the week's student and reads marks, attendance, remarks
        # and averages of that student only.
        "Query.diary",
        # `printUrl` is a link built from the week and student it is about: it reads nothing.
        *(
            f"DiaryWeek.{f}"
            for f in ("week", "days", "term", "termAverages", "student", "printUrl")
        ),
        *(f"DiaryDay.{f}" for f in ("date", "lessons", "otherMarks")),
        *(f"DiaryLesson.{f}" for f in ("lesson", "homework", "marks", "attendance", "remarks")),
        # Lesson's own columns, its bell and homework: no student's records. Not
        # `schoolClass`, whose type leads to every student of the class.
        *(
            f"Lesson.{f}"
            for f in (
                "id",
                "date",
                "period",
                "subject",
                "teacher",
                "substituteTeacher",
                "room",
                "scheduledRoom",
                "topic",
                "status",
                "changeNote",
                "bell",
                "homework",
            )
        ),
        # A mark's own columns; not `history` (the mark's events) nor `student`.
        *(
            f"Mark.{f}"
            for f in (
                "id",
                "value",
                "weight",
                "kind",
                "comment",
                "date",
                "subject",
                "author",
                "createdAt",
                "updatedAt",
                "lesson",
            )
        ),
        *(f"Attendance.{f}" for f in ("kind", "minutesLate", "reason", "excused", "excuseKind")),
        *(f"Remark.{f}" for f in ("kind", "text", "author", "createdAt")),
        *(f"Homework.{f}" for f in ("id", "text", "dueOn", "attachments")),
        *(f"Attachment.{f}" for f in ("id", "filename", "contentType", "size", "url")),
        *(
            f"SubjectAverage.{f}"
            for f in ("subject", "term", "average", "markCount", "weightTotal", "forecast")
        ),
        *(f"Subject.{f}" for f in ("id", "name", "shortName")),
        *(f"Teacher.{f}" for f in ("id", "fullName", "shortName")),
        # A student's names only: not their class, school or parents.
        *(f"Student.{f}" for f in ("id", "firstName", "lastName", "middleName", "fullName")),
        *(f"BellPeriod.{f}" for f in ("number", "startsAt", "endsAt")),
        *(f"Term.{f}" for f in ("id", "number", "startsOn", "endsOn")),
    }
)


def declared_reads_only(
    schema: GraphQLSchema, fields: frozenset[str] = DECLARED_FIELDS
) -> Callable[[DocumentNode], bool]:
    """A check of documents against the schema: whether every field they select (in every
    operation and fragment, used or not) is in `fields`."""

    def check(document: DocumentNode) -> bool:
        info = TypeInfo(schema)
        outside = False

        class Walk(Visitor):
            def enter_field(self, node: FieldNode, *_: Any) -> Any:
                nonlocal outside
                name = node.name.value
                if name == "__typename":
                    return None
                parent = info.get_parent_type()
                if (
                    parent is None
                    or info.get_field_def() is None
                    or f"{parent.name}.{name}" not in fields
                ):
                    outside = True
                    return BREAK
                return None

        visit(document, TypeInfoVisitor(info, Walk()))
        return not outside

    return check
