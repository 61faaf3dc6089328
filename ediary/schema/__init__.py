"""The GraphQL schema: a thin layer over the domain."""

from __future__ import annotations

import strawberry
from strawberry.relay import Node
from strawberry.schema.config import StrawberryConfig
from strawberry.tools import merge_types

from ediary.schema.errors import ErrorCodes
from ediary.schema.mutations import Mutation
from ediary.schema.queries import Query
from ediary.schema.scalars import SCALAR_MAP
from ediary.schema.subscriptions import Subscription
from ediary.schema.types.journal import Attachment, Homework, Lesson, Mark
from ediary.schema.types.people import Student, Teacher
from ediary.schema.types.school import School, SchoolClass, Subject, Term

# Node types reachable only through `node(id:)` must still be in the schema.
NODE_TYPES: list[type[Node]] = [
    Attachment,
    Homework,
    Lesson,
    Mark,
    School,
    SchoolClass,
    Student,
    Subject,
    Teacher,
    Term,
]


def _mutation_type() -> type:
    # The journal's writes live in their own modules; one Mutation type serves them all.
    from ediary.schema.writes.attendance import AttendanceMutations
    from ediary.schema.writes.homework import HomeworkMutations
    from ediary.schema.writes.lessons import LessonMutations
    from ediary.schema.writes.marks import MarkMutations
    from ediary.schema.writes.notifications import NotificationMutations

    return merge_types(
        "Mutation",
        (
            Mutation,
            MarkMutations,
            HomeworkMutations,
            LessonMutations,
            AttendanceMutations,
            NotificationMutations,
        ),
    )


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=_mutation_type(),
        subscription=Subscription,
        types=NODE_TYPES,
        extensions=[ErrorCodes],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
    )


schema = build_schema()
