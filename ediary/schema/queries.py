"""The root Query type: thin resolvers that turn arguments into domain calls."""

from __future__ import annotations

import inspect
from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types.cast import cast as strawberry_cast

from ediary.adapters.flows import LoginFlow as DomainLoginFlow
from ediary.domain import (
    class_journal,
    diary,
    marks,
    models,
    rows,
    term_remarks,
    terms,
    timetable,
)
from ediary.domain.access import StudentGrant
from ediary.domain.averages import term_averages
from ediary.domain.errors import InvalidInput
from ediary.domain.homework_due import homework_due
from ediary.domain.placements import placements
from ediary.domain.region_flows import RegionFlows
from ediary.domain.weeks import IsoWeek
from ediary.schema.analytics import AnalyticsQuery
from ediary.schema.ids import ConcreteNodesOnly, local_id
from ediary.schema.info import Info
from ediary.schema.paging import Connection, Edge, page_info
from ediary.schema.types.class_journal import ClassJournal
from ediary.schema.types.diary import DiaryWeek, Timetable
from ediary.schema.types.journal import FinalMark, Homework, Mark, SubjectAverage, TermRemark
from ediary.schema.types.life import LifeQuery
from ediary.schema.types.people import Viewer
from ediary.schema.types.school import BellPeriod
from ediary.schema.writes.logins import LoginQuery

MarkEdge = Edge[Mark]
MarkConnection = Connection[Mark]


@strawberry.type(description="A field a login flow asks for.")
class LoginFlowField:
    name: str = strawberry.field(description="Name of the input field.")
    label: str = strawberry.field(description="Label to show.")
    kind: str = strawberry.field(description="text, password, email, phone or code.")
    required: bool = strawberry.field(description="Whether it must be filled.")


@strawberry.type(
    description="A way to log in, or to get an account, that a region offers: what to ask for."
)
class LoginFlow:
    id: str = strawberry.field(description="Stable identifier of the flow.")
    title: str = strawberry.field(description="Title to show on the login screen.")
    fields: list[LoginFlowField] = strawberry.field(description="What to ask for, in order.")
    steps: list[str] = strawberry.field(description="Instructions, one step per item.")
    mutation: str | None = strawberry.field(
        description="The mutation to send the fields to, when the flow is a form."
    )
    url: str | None = strawberry.field(
        description="Where to send the browser, when the flow starts elsewhere (a portal)."
    )

    @classmethod
    def from_domain(cls, flow: DomainLoginFlow) -> LoginFlow:
        return cls(
            id=flow.id,
            title=flow.title,
            fields=[
                LoginFlowField(name=f.name, label=f.label, kind=f.kind, required=f.required)
                for f in flow.fields
            ],
            steps=list(flow.steps),
            mutation=flow.mutation,
            url=flow.url,
        )


async def _grant(info: Info, student_id: relay.GlobalID, start: date, end: date) -> StudentGrant:
    viewer = await info.context.require_viewer()
    return await diary.visible_student(viewer, local_id(student_id, "Student"), start, end)


async def _term(
    info: Info, student: int, term_id: relay.GlobalID | None
) -> models.Term | rows.TermRow | None:
    viewer = await info.context.require_viewer()
    if term_id is not None:
        return await terms.visible_term(viewer, local_id(term_id, "Term"))
    found = (await placements([student])).get(student, [])
    return await terms.current_term({p.academic_year_id for p in found}, info.context.today())


def node_query() -> type:
    """A root type with just `node(id:)`, made anew for each schema, as every root part is."""

    @strawberry.type
    class NodeQuery:
        @strawberry.field(
            description="Fetch any object by its global ID. Null, with a NOT_FOUND error at "
            "its path, when there is none the viewer may see.",
            extensions=[ConcreteNodesOnly()],
        )
        async def node(
            self,
            info: Info,
            id: Annotated[relay.GlobalID, strawberry.argument(description="The object's ID.")],
        ) -> relay.Node | None:
            # strawberry's relay.node() answers a nullable field with null and no error for
            # an unknown ID; asking for the node as required keeps NOT_FOUND in the answer.
            kind = id.resolve_type(info)
            found = kind.resolve_node(id.node_id, info=info, required=True)
            node = await found if inspect.isawaitable(found) else found
            return strawberry_cast(kind, node)

    return NodeQuery


@strawberry.type
class Query(AnalyticsQuery, LifeQuery, LoginQuery):
    @strawberry.field(description="The person who is logged in; null when nobody is.")
    async def viewer(self, info: Info) -> Viewer | None:
        viewer = await info.context.viewer()
        if not viewer.is_authenticated:
            return None
        return Viewer.from_domain(
            viewer, must_change_password=info.context.password_change_required
        )

    @strawberry.field(
        description="The diary of a student for one week: the current week (in the "
        "school's time zone) when `week` is left out."
    )
    async def diary(
        self, info: Info, student_id: relay.GlobalID, week: IsoWeek | None = None
    ) -> DiaryWeek | None:
        viewer = await info.context.require_viewer()
        student = local_id(student_id, "Student")
        found = await diary.load_week(
            viewer,
            student,
            week or IsoWeek.containing(info.context.settings.school_today()),
            info.context.region_policy,
        )
        return DiaryWeek.from_domain(found)

    @strawberry.field(
        description="The journal of a class for one subject and term: every student's marks "
        "and absences by lesson, and their term averages. For the teacher of that class and "
        "subject, the class teacher and the school administration. Without `termId`, the "
        "class's current term (during holidays, the term just ended); `term` tells which."
    )
    async def class_journal(
        self,
        info: Info,
        class_id: relay.GlobalID,
        subject_id: relay.GlobalID,
        term_id: relay.GlobalID | None = None,
    ) -> ClassJournal | None:
        viewer = await info.context.require_viewer()
        school_class = local_id(class_id, "SchoolClass")
        term = (
            local_id(term_id, "Term")
            if term_id is not None
            else await class_journal.current_term_of_class(school_class, info.context.today())
        )
        found = await class_journal.load_class_journal(
            viewer,
            school_class,
            local_id(subject_id, "Subject"),
            term,
            info.context.region_policy,
        )
        return ClassJournal.from_domain(found)

    @strawberry.field(description="The timetable of a class for one week, with changes.")
    async def class_timetable(
        self, info: Info, class_id: relay.GlobalID, week: IsoWeek
    ) -> Timetable | None:
        viewer = await info.context.require_viewer()
        found = await timetable.class_timetable(
            viewer,
            local_id(class_id, "SchoolClass"),
            week,
        )
        return Timetable.from_domain(found)

    @strawberry.field(
        description="The timetable of a teacher for one week (the current week, in the "
        "school's time zone, when `week` is left out); the viewer's own when no ID."
    )
    async def teacher_timetable(
        self, info: Info, week: IsoWeek | None = None, teacher_id: relay.GlobalID | None = None
    ) -> Timetable | None:
        viewer = await info.context.require_viewer()
        teacher = local_id(teacher_id, "Teacher") if teacher_id else viewer.user_id
        assert teacher is not None
        found = await timetable.teacher_timetable(
            viewer, teacher, week or IsoWeek.containing(info.context.today())
        )
        return Timetable.from_domain(found)

    @strawberry.field(description="The bell schedule of a school, first period first.")
    async def bell_schedule(self, info: Info, school_id: relay.GlobalID) -> list[BellPeriod] | None:
        viewer = await info.context.require_viewer()
        bells = await timetable.bell_schedule(viewer, local_id(school_id, "School"))
        return [BellPeriod.from_model(b) for b in bells]

    @strawberry.field(
        description="Marks of a student, newest first (by the day of the work), by subject and "
        "term. With `changedSince`, only marks entered or changed at or after that moment "
        "(`updatedAt`): what is new since an app last looked. A deleted mark is not listed; "
        "live updates (`diaryUpdates`) report deletions."
    )
    async def marks(
        self,
        info: Info,
        student_id: relay.GlobalID,
        subject_id: relay.GlobalID | None = None,
        term_id: relay.GlobalID | None = None,
        first: int = 20,
        after: str | None = None,
        changed_since: datetime | None = None,
    ) -> MarkConnection | None:
        limit = info.context.settings.max_page_size
        if not 1 <= first <= limit:
            raise InvalidInput(f"`first` must be between 1 and {limit}.", field="first")
        if changed_since is not None and changed_since.utcoffset() is None:
            raise InvalidInput(
                "`changedSince` needs an offset, such as 2026-11-25T18:00:00+03:00.",
                field="changedSince",
            )
        viewer = await info.context.require_viewer()
        term = await terms.visible_term(viewer, local_id(term_id, "Term")) if term_id else None
        grant = await _grant(
            info,
            student_id,
            term.starts_on if term else date.min,
            term.ends_on if term else date.max,
        )
        page = await marks.student_marks(
            grant,
            term=term,
            subject_id=local_id(subject_id, "Subject") if subject_id else None,
            first=first,
            after=after,
            changed_since=changed_since,
        )
        edges = [MarkEdge(cursor=page.cursor(m), node=Mark.from_model(m)) for m in page.marks]
        return MarkConnection(
            edges=edges,
            page_info=page_info([e.cursor for e in edges], has_next=page.has_next, after=after),
            total_count=page.total,
        )

    @strawberry.field(
        description="Homework of a student due between two days, both included (at most 62 "
        'days): "what is due tomorrow" is `dueFrom` and `dueTo` both tomorrow. By due day, '
        "then the day and period of the lesson it was set at; each names its `lesson` (subject, "
        "teacher). Whoever sees the student's homework in the diary sees the same here."
    )
    async def homework_due(
        self, info: Info, student_id: relay.GlobalID, due_from: date, due_to: date
    ) -> list[Homework] | None:
        viewer = await info.context.require_viewer()
        found = await homework_due(viewer, local_id(student_id, "Student"), due_from, due_to)
        return [Homework.from_model(h, h.lesson) for h in found]

    @strawberry.field(
        description="Weighted average per subject for a term; the current term when no ID."
    )
    async def term_averages(
        self, info: Info, student_id: relay.GlobalID, term_id: relay.GlobalID | None = None
    ) -> list[SubjectAverage] | None:
        term = await _term(info, local_id(student_id, "Student"), term_id)
        if term is None:
            return []
        grant = await _grant(info, student_id, term.starts_on, term.ends_on)
        found = await term_averages(grant, term, info.context.region_policy(grant.region_code))
        return [SubjectAverage.from_domain(a) for a in found]

    @strawberry.field(
        description="The class teacher's remark on a student's report card for a term (the "
        "current term when no ID); null when none is written. For those who see the whole "
        "card: the student, their parents, the class teacher and the school's administration; "
        "NOT_FOUND for anyone else, as for a student they cannot see."
    )
    async def term_remark(
        self, info: Info, student_id: relay.GlobalID, term_id: relay.GlobalID | None = None
    ) -> TermRemark | None:
        viewer = await info.context.require_viewer()
        found = await term_remarks.term_remark(
            viewer,
            local_id(student_id, "Student"),
            local_id(term_id, "Term") if term_id is not None else None,
            info.context.today(),
        )
        return TermRemark.from_model(found) if found is not None else None

    @strawberry.field(description="Term marks and year marks of a student, by subject.")
    async def final_marks(self, info: Info, student_id: relay.GlobalID) -> list[FinalMark] | None:
        grant = await _grant(info, student_id, date.min, date.max)
        return [FinalMark.from_model(m) for m in await marks.final_marks(grant, None)]

    @strawberry.field(
        description="The ways to log in that a region offers: the installed flows that serve "
        "it, less those its configuration leaves out. Without a region, every installed flow."
    )
    def login_flows(self, info: Info, region: str | None = None) -> list[LoginFlow] | None:
        settings = info.context.settings
        flows: list[list[DomainLoginFlow]] = info.context.plugins.hook.login_flows(
            settings=settings
        )
        offered = RegionFlows.of(settings)
        return [
            LoginFlow.from_domain(f)
            for group in flows
            for f in group
            if f.serves(region) and offered.offers(region, f.id)
        ]

    @strawberry.field(
        description="The ways to get an account that a region offers, such as an access code."
    )
    def registration_flows(self, info: Info, region: str | None = None) -> list[LoginFlow] | None:
        settings = info.context.settings
        flows: list[list[DomainLoginFlow]] = info.context.plugins.hook.registration_flows(
            settings=settings
        )
        offered = RegionFlows.of(settings)
        return [
            LoginFlow.from_domain(f)
            for group in flows
            for f in group
            if f.serves(region) and offered.offers(region, f.id)
        ]
