"""The GraphQL schema: a thin layer over the domain, extended by plugins per application."""

from __future__ import annotations

from collections import Counter

import pluggy
import strawberry
from graphql import ASTValidationRule
from strawberry.extensions import AddValidationRules, DisableIntrospection, SchemaExtension
from strawberry.relay import Node
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.tools import merge_types
from strawberry.types.base import get_object_definition

from ediary.adapters.contrib import GraphQLContribution
from ediary.adapters.manager import PluginError, collect
from ediary.schema.documents import DocumentCache, Parsed, document_cache
from ediary.schema.errors import ErrorCodes
from ediary.schema.execution import DiaryExecutionContext
from ediary.schema.limits import QueryLimits, RateLimitQuery, TimedSchema
from ediary.schema.mutations import Mutation
from ediary.schema.queries import Query, node_query
from ediary.schema.scalars import SCALAR_MAP
from ediary.schema.subscriptions import Subscription
from ediary.schema.talk import TalkQuery
from ediary.schema.trusted import TrustedDocuments, only_registered
from ediary.schema.types.calendar import CalendarFeed
from ediary.schema.types.journal import Attachment, Homework, Lesson, Mark, PlannedWork
from ediary.schema.types.life import Announcement, AnnouncementAttachment, Meeting
from ediary.schema.types.people import Student, Teacher
from ediary.schema.types.school import School, SchoolClass, Subject, Term
from ediary.schema.types.talk import (
    Acknowledgement,
    AcknowledgementRequest,
    Conversation,
    Message,
    Parent,
    SigningKey,
)
from ediary.server.metrics import OperationMetrics

# Node types reachable only through `node(id:)` must still be in the schema.
NODE_TYPES: list[type[Node]] = [
    Announcement,
    AnnouncementAttachment,
    Acknowledgement,
    AcknowledgementRequest,
    Attachment,
    CalendarFeed,
    Conversation,
    Homework,
    Lesson,
    Mark,
    Meeting,
    Message,
    Parent,
    PlannedWork,
    School,
    SchoolClass,
    Student,
    Subject,
    SigningKey,
    Teacher,
    Term,
]


def _field_names(kind: type) -> list[str]:
    definition = get_object_definition(kind, strict=True)
    return [field.name for field in definition.fields]


def _core_mutations() -> tuple[type, ...]:
    # The journal's writes live in their own modules; one Mutation type serves them all.
    from ediary.schema.writes.absence_notices import AbsenceNoticeMutations
    from ediary.schema.writes.acks import AcknowledgementMutations
    from ediary.schema.writes.attendance import AttendanceMutations
    from ediary.schema.writes.homework import HomeworkMutations
    from ediary.schema.writes.lessons import LessonMutations
    from ediary.schema.writes.life import LifeMutations
    from ediary.schema.writes.logins import LoginMutations
    from ediary.schema.writes.marks import MarkMutations
    from ediary.schema.writes.notifications import NotificationMutations
    from ediary.schema.writes.planned_work import PlannedWorkMutations
    from ediary.schema.writes.talk import TalkMutations
    from ediary.schema.writes.term_remarks import TermRemarkMutations

    return (
        Mutation,
        MarkMutations,
        HomeworkMutations,
        LessonMutations,
        AttendanceMutations,
        AbsenceNoticeMutations,
        PlannedWorkMutations,
        NotificationMutations,
        LifeMutations,
        TalkMutations,
        AcknowledgementMutations,
        LoginMutations,
        TermRemarkMutations,
    )


def _root(name: str, core: tuple[type, ...], added: list[tuple[str, type]]) -> type:
    """Merge plugins' root fields into the core root types; a clash names the plugin."""
    if len(core) == 1 and not added:
        return core[0]
    seen = Counter(field for kind in core for field in _field_names(kind))
    for plugin, kind in added:
        for field in _field_names(kind):
            if seen[field]:
                raise PluginError(plugin, f"{name}.{field} is already defined")
            seen[field] += 1
    return merge_types(name, (*core, *(kind for _, kind in added)))


def _switched_off(introspection: bool) -> list[type[SchemaExtension]]:
    return [] if introspection else [DisableIntrospection]


def build_schema(
    plugins: pluggy.PluginManager | None = None,
    *,
    introspection: bool = True,
    execution_context_class: type[StrawberryGraphQLCoreExecutionContext] = DiaryExecutionContext,
    trusted: TrustedDocuments | None = None,
) -> strawberry.Schema:
    """The schema of one application: the core, plus what its plugins contribute.

    Production turns introspection off: the API is documented in the committed schema.graphql,
    and a public server need not hand its map to anyone who asks. `execution_context_class`
    executes documents; strawberry's own answers the same, with more work per field.
    `trusted`: the documents the applications registered, parsed and validated here once
    (raises ManifestError for one that does not fit this schema); with `trusted.only` no
    other document runs."""
    queries: list[tuple[str, type]] = []
    mutations: list[tuple[str, type]] = []
    types: list[type] = list(NODE_TYPES)
    contributors: list[str] = []
    for plugin, found in collect(plugins, "graphql_schema") if plugins else []:
        contributors.append(plugin)
        if not isinstance(found, GraphQLContribution):
            raise PluginError(plugin, "graphql_schema must return a GraphQLContribution")
        if found.query is not None:
            queries.append((plugin, found.query))
        if found.mutation is not None:
            mutations.append((plugin, found.mutation))
        types.extend(found.types)
    documents = document_cache()
    # Filled once the schema exists: the registered documents are validated against it.
    prepared: dict[str, Parsed] = {}
    only: list[type[ASTValidationRule]] = []
    try:
        schema = TimedSchema(
            query=_root("Query", (node_query(), Query, TalkQuery, RateLimitQuery), queries),
            mutation=_root("Mutation", _core_mutations(), mutations),
            subscription=Subscription,
            types=types,
            # The same few documents (the apps' queries) arrive again and again: each is
            # parsed and validated once, if a logged-in user sent it; the limits rule, which
            # depends on the variables, runs every time.
            # OperationMetrics reads the codes ErrorCodes gives, so it comes after it.
            extensions=[
                QueryLimits,
                ErrorCodes,
                OperationMetrics,
                lambda: DocumentCache(documents, prepared),
                *([] if introspection else [DisableIntrospection]),
                *([lambda: AddValidationRules(only)] if trusted and trusted.only else []),
            ],
            config=StrawberryConfig(scalar_map=SCALAR_MAP),
            execution_context_class=execution_context_class,
        )
    except Exception as error:
        if not contributors:
            raise
        # Strawberry refuses clashing type names and broken annotations only here, when the
        # whole schema is put together: name every plugin that took part.
        raise PluginError(", ".join(contributors), error) from error
    if trusted is not None:
        prepared.update(trusted.prepare(schema._schema, introspection=introspection))
        if trusted.only:
            only.append(only_registered(prepared))
    return schema
