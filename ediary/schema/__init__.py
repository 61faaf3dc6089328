"""The GraphQL schema: a thin layer over the domain."""

from __future__ import annotations

import strawberry
from strawberry.relay import Node
from strawberry.schema.config import StrawberryConfig

from ediary.schema.errors import ErrorCodes
from ediary.schema.mutations import Mutation
from ediary.schema.queries import Query
from ediary.schema.scalars import SCALAR_MAP
from ediary.schema.types.calendar import CalendarFeed
from ediary.schema.types.journal import Homework, Lesson, Mark
from ediary.schema.types.people import Student, Teacher
from ediary.schema.types.school import School, SchoolClass, Subject, Term

# Node types reachable only through `node(id:)` must still be in the schema.
NODE_TYPES: list[type[Node]] = [
    CalendarFeed,
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


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        mutation=Mutation,
        types=NODE_TYPES,
        extensions=[ErrorCodes],
        config=StrawberryConfig(scalar_map=SCALAR_MAP),
    )


schema = build_schema()
