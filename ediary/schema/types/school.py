"""Types of the school's structure: region, school, class, subject, term, bells."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Self
from zoneinfo import ZoneInfo

import strawberry
from strawberry import relay

from ediary.domain import models, rows, timetable, zones
from ediary.domain.errors import NotFound
from ediary.domain.terms import visible_term
from ediary.schema.ids import resolve_each
from ediary.schema.info import Info

__all__ = [
    "School",
    "SchoolClass",
    "Subject",
    "Term",
]

if TYPE_CHECKING:
    from ediary.schema.types.people import Teacher


def school_zone(school: models.School) -> ZoneInfo:
    """The school's time zone; Moscow's for a name this system does not know, as the
    calendar feeds do (`ediary.domain.zones`)."""
    return zones.zone(school.timezone)


@strawberry.type(description="A regional education authority.")
class Region:
    code: str = strawberry.field(description="Short code that selects the region policy.")
    name: str = strawberry.field(description="The region's name as its authority writes it.")


@strawberry.type(
    description="A numbered period of the bell schedule of a school. Its times are clock "
    "times of the school's time zone (`School.timeZone`), without an offset; a dated lesson "
    "gives the same as moments with the offset (`Lesson.startsAt`, `Lesson.endsAt`)."
)
class BellPeriod:
    number: int = strawberry.field(description="Period number, 1 for the first lesson.")
    starts_at: datetime.time = strawberry.field(
        description="When the period starts, local time of the school."
    )
    ends_at: datetime.time = strawberry.field(
        description="When the period ends, local time of the school."
    )

    @classmethod
    def from_model(cls, bell: models.BellPeriod | rows.BellRow) -> Self:
        return cls(number=bell.number, starts_at=bell.starts_at, ends_at=bell.ends_at)


@strawberry.type(description="A school.")
class School(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Full name of the school.")
    short_name: str = strawberry.field(description="Name to show where space is short.")
    region: Region = strawberry.field(description="The region the school belongs to.")
    time_zone: str = strawberry.field(
        description='The IANA time zone of the school, such as "Europe/Moscow": bell times '
        "and school days are in it (its calendar feeds too)."
    )

    @classmethod
    def from_model(cls, school: models.School) -> Self:
        """Build from a school whose region is loaded (the school loader does that)."""
        region = Region(code=school.region.code, name=school.region.name)
        return cls(
            id=school.id,
            name=school.name,
            short_name=school.short_name,
            region=region,
            time_zone=school_zone(school).key,
        )

    @strawberry.field(description="The bell schedule of the school, first period first.")
    async def bell_schedule(self, info: Info) -> list[BellPeriod] | None:
        viewer = await info.context.require_viewer()
        bells = await timetable.bell_schedule(viewer, self.id)
        return [BellPeriod.from_model(b) for b in bells]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(school_id: int) -> models.School:
            await timetable.visible_school(viewer, school_id)
            school = await info.context.loaders.school.load(school_id)
            assert school is not None
            return school

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(description="A subject taught at a school.")
class Subject(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Name of the subject, such as Mathematics.")
    short_name: str = strawberry.field(description="Abbreviated name for narrow screens.")

    @classmethod
    def from_model(cls, subject: models.Subject | rows.SubjectRow) -> Self:
        return cls(id=subject.id, name=subject.name, short_name=subject.short_name)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(subject_id: int) -> models.Subject:
            subject = await models.Subject.get_or_none(id=subject_id)
            if subject is None or subject.school_id not in viewer.schools | viewer.diary_schools:
                raise NotFound()
            return subject

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(description="A quarter, trimester or half-year: the period of a term mark.")
class Term(relay.Node):
    id: relay.NodeID[int]
    number: int = strawberry.field(description="1 for the first term of the year.")
    starts_on: datetime.date = strawberry.field(description="First day of the term.")
    ends_on: datetime.date = strawberry.field(description="Last day of the term.")

    @classmethod
    def from_model(cls, term: models.Term | rows.TermRow) -> Self:
        return cls(id=term.id, number=term.number, starts_on=term.starts_on, ends_on=term.ends_on)

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(term_id: int) -> models.Term:
            return await visible_term(viewer, term_id)

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(description='A class of students for one school year, such as "7B".')
class SchoolClass(relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description='Grade and letter, such as "7B".')
    grade: int = strawberry.field(description="Grade (year of study), 1 to 11.")
    letter: str = strawberry.field(description="Letter that tells parallel classes apart.")
    _model: strawberry.Private[models.SchoolClass | rows.SchoolClassRow]

    @classmethod
    def from_model(cls, school_class: models.SchoolClass | rows.SchoolClassRow) -> Self:
        return cls(
            id=school_class.id,
            name=school_class.name,
            grade=school_class.grade,
            letter=school_class.letter,
            _model=school_class,
        )

    @strawberry.field(description="The school the class belongs to.")
    async def school(self, info: Info) -> School | None:
        school = await info.context.loaders.school.load(self._model.school_id)
        assert school is not None
        return School.from_model(school)

    @strawberry.field(description="The homeroom (class) teacher, if one is appointed.")
    async def class_teacher(
        self, info: Info
    ) -> Annotated[Teacher, strawberry.lazy("ediary.schema.types.people")] | None:
        from ediary.schema.types.people import Teacher

        if self._model.class_teacher_id is None:
            return None
        user = await info.context.loaders.user.load(self._model.class_teacher_id)
        return Teacher.from_model(user) if user else None

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(class_id: int) -> models.SchoolClass:
            return await timetable.visible_class(viewer, class_id)

        return await resolve_each(node_ids, required, visible, cls.from_model)
