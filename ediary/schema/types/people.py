"""Types of people: the viewer, students and teachers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry import relay

from ediary.domain import models, rows, timetable
from ediary.domain.access import Viewer as DomainViewer
from ediary.domain.diary import visible_student
from ediary.domain.enums import Role
from ediary.schema.ids import resolve_each
from ediary.schema.info import Info
from ediary.schema.types.school import School, SchoolClass

if TYPE_CHECKING:
    from ediary.schema.types.talk import Parent

RoleType = strawberry.enum(Role, name="Role", description="A role an account holds.")


@strawberry.type(description="A member of staff, as families and colleagues see them.")
class Teacher(relay.Node):
    id: relay.NodeID[int]
    full_name: str = strawberry.field(description="Last name, first name and patronymic.")
    short_name: str = strawberry.field(
        description='Last name and initials, such as "Ivanova A. P."'
    )

    @classmethod
    def from_model(cls, user: models.User | rows.PersonRow) -> Self:
        initials = " ".join(f"{p[0]}." for p in (user.first_name, user.middle_name) if p)
        return cls(
            id=user.id,
            full_name=user.full_name,
            short_name=f"{user.last_name} {initials}".strip(),
        )

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def visible(teacher_id: int) -> models.User:
            return await timetable.visible_teacher(viewer, teacher_id)

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(description="A student, as those allowed to follow their diary see them.")
class Student(relay.Node):
    id: relay.NodeID[int]
    first_name: str = strawberry.field(description="First name.")
    last_name: str = strawberry.field(description="Last name.")
    middle_name: str = strawberry.field(description="Patronymic; empty when there is none.")
    full_name: str = strawberry.field(description="Last name, first name and patronymic.")

    @classmethod
    def from_model(cls, user: models.User | rows.StudentRow) -> Self:
        return cls(
            id=user.id,
            first_name=user.first_name,
            last_name=user.last_name,
            middle_name=user.middle_name,
            full_name=user.full_name,
        )

    @strawberry.field(description="The class the student is in today; null between enrollments.")
    async def school_class(self, info: Info) -> SchoolClass | None:
        found = await info.context.loaders.current_class.load(self.id)
        return SchoolClass.from_model(found) if found else None

    @strawberry.field(description="The school the student attends today.")
    async def school(self, info: Info) -> School | None:
        found = await info.context.loaders.current_class.load(self.id)
        if found is None:
            return None
        school = await info.context.loaders.school.load(found.school_id)
        return School.from_model(school) if school else None

    @strawberry.field(
        description="The student's parents, for the teachers of the student's class to write "
        "to; a parent sees only themself here, others see nobody."
    )
    async def parents(
        self, info: Info
    ) -> list[Annotated[Parent, strawberry.lazy("ediary.schema.types.talk")]] | None:
        from ediary.domain.talk.conversations import parents_of
        from ediary.schema.types.talk import Parent

        viewer = await info.context.require_viewer()
        today = info.context.settings.today or date.today()
        return [Parent.from_model(u) for u in await parents_of(viewer, self.id, today)]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()
        today = date.today()

        async def visible(student_id: int) -> models.User:
            await visible_student(viewer, student_id, today, today)
            user = await info.context.loaders.user.load(student_id)
            assert user is not None
            return user

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(description="The person who is logged in.")
class Viewer:
    login: str = strawberry.field(description="The login of the account.")
    full_name: str = strawberry.field(description="Last name, first name and patronymic.")
    roles: list[RoleType] = strawberry.field(  # type: ignore[valid-type]
        description="Roles of the account; CLASS_TEACHER when it leads a class."
    )
    _viewer: strawberry.Private[DomainViewer]

    @classmethod
    def from_domain(cls, viewer: DomainViewer) -> Self:
        return cls(
            login=viewer.login,
            full_name=viewer.full_name,
            roles=sorted(viewer.roles),
            _viewer=viewer,
        )

    @strawberry.field(description="Children whose diary this parent follows.")
    async def children(self, info: Info) -> list[Student] | None:
        ids = sorted(self._viewer.children)
        users = await info.context.loaders.user.load_many(ids)
        students = [Student.from_model(u) for u in users if u is not None]
        return sorted(students, key=lambda s: s.full_name)

    @strawberry.field(description="The student record of the viewer, if the viewer is a student.")
    async def student(self, info: Info) -> Student | None:
        if Role.STUDENT not in self._viewer.roles or self._viewer.user_id is None:
            return None
        user = await info.context.loaders.user.load(self._viewer.user_id)
        return Student.from_model(user) if user else None

    @strawberry.field(description="The teacher record of the viewer, if the viewer teaches.")
    async def teacher(self, info: Info) -> Teacher | None:
        if Role.TEACHER not in self._viewer.roles or self._viewer.user_id is None:
            return None
        user = await info.context.loaders.user.load(self._viewer.user_id)
        return Teacher.from_model(user) if user else None

    @strawberry.field(description="Schools the viewer works at or their children attend.")
    async def schools(self, info: Info) -> list[School] | None:
        ids = sorted(self._viewer.schools | self._viewer.admin_schools)
        schools = await info.context.loaders.school.load_many(ids)
        return [School.from_model(s) for s in schools if s is not None]
