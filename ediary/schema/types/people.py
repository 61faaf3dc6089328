"""Types of people: the viewer, students and teachers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Self

import strawberry
from strawberry import relay

from ediary.domain import models, rows, timetable
from ediary.domain.access import Viewer as DomainViewer
from ediary.domain.account_history import own_history
from ediary.domain.courses import shown_courses
from ediary.domain.diary import visible_student
from ediary.domain.enums import Role
from ediary.domain.errors import NotFound
from ediary.schema.ids import local_id, resolve_each
from ediary.schema.info import Info
from ediary.schema.paging import check_page_size
from ediary.schema.types.accounts import AccountEventConnection, account_event_page
from ediary.schema.types.school import School, SchoolClass, Subject

__all__ = [
    "Student",
    "Teacher",
]

if TYPE_CHECKING:
    from ediary.schema.types.talk import Parent
    from ediary.schema.writes.notifications import NotificationPreference

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


@strawberry.type(description="A subject of a class and a teacher who teaches it there.")
class SubjectTeacher:
    subject: Subject = strawberry.field(
        description="A subject this teacher teaches the student this year."
    )
    teacher: Teacher = strawberry.field(description="Who teaches it to the class.")


@strawberry.type(description="A student, as those allowed to follow their diary see them.")
class Student(relay.Node):
    id: relay.NodeID[int]
    first_name: str = strawberry.field(
        description="The student's given name, as the school registered it."
    )
    last_name: str = strawberry.field(
        description="The student's family name, as the school registered it."
    )
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
        found = await info.context.loaders.current_class.load((self.id, info.context.today()))
        return SchoolClass.from_model(found) if found else None

    @strawberry.field(description="The school the student attends today.")
    async def school(self, info: Info) -> School | None:
        found = await info.context.loaders.current_class.load((self.id, info.context.today()))
        if found is None:
            return None
        school = await info.context.loaders.school.load(found.school_id)
        return School.from_model(school) if school else None

    @strawberry.field(
        description="The subjects of the class the student is in today, each with a teacher "
        "who teaches it there (a subject taught by two teachers comes twice), by subject name. "
        "The family, the class teacher and the school's staff see every subject; a teacher of "
        "the class sees the subjects they teach. Empty between enrollments."
    )
    async def subject_teachers(self, info: Info) -> list[SubjectTeacher]:
        viewer = await info.context.require_viewer()
        school_class = await info.context.loaders.current_class.load(
            (self.id, info.context.today())
        )
        if school_class is None:
            return []
        found = await info.context.loaders.courses.load(school_class.id)
        return [
            SubjectTeacher(
                subject=Subject.from_model(c.subject), teacher=Teacher.from_model(c.teacher)
            )
            for c in shown_courses(viewer, self.id, school_class, found)
        ]

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
        today = info.context.today()
        return [Parent.from_model(u) for u in await parents_of(viewer, self.id, today)]

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()
        today = info.context.today()

        async def visible(student_id: int) -> models.User:
            await visible_student(viewer, student_id, today, today)
            user = await info.context.loaders.user.load(student_id)
            assert user is not None
            return user

        return await resolve_each(node_ids, required, visible, cls.from_model)


@strawberry.type(
    description="The person who is logged in. Its `id` is the account's global ID: stable "
    "across sessions and devices (a key for what an app keeps per account), and "
    "`node(id:)` answers it to that account only."
)
class Viewer(relay.Node):
    id: relay.NodeID[int]
    login: str = strawberry.field(description="The login of the account.")
    full_name: str = strawberry.field(description="Last name, first name and patronymic.")
    roles: list[RoleType] = strawberry.field(  # type: ignore[valid-type]
        description="Roles of the account; CLASS_TEACHER when it leads a class."
    )
    must_change_password: bool = strawberry.field(
        default=False,
        description="True for a session opened with a temporary password the school issued: "
        "until changePassword, everything but viewer, changePassword and logout is refused "
        "with PASSWORD_CHANGE_REQUIRED, and roles and children are empty.",
    )
    _viewer: strawberry.Private[DomainViewer]
    # The token of a session opened by this very request (a login), which the request's own
    # credentials do not carry yet.
    _opened_csrf_token: strawberry.Private[str | None] = None

    @classmethod
    def from_domain(
        cls,
        viewer: DomainViewer,
        opened_csrf_token: str | None = None,
        *,
        must_change_password: bool = False,
    ) -> Self:
        assert viewer.user_id is not None  # only a logged-in viewer is shown
        return cls(
            id=viewer.user_id,
            login=viewer.login,
            full_name=viewer.full_name,
            roles=sorted(viewer.roles),
            must_change_password=must_change_password,
            _viewer=viewer,
            _opened_csrf_token=opened_csrf_token,
        )

    @strawberry.field(
        description="The CSRF token of this cookie session (`client: BROWSER`), to send as "
        "X-CSRF-Token with every mutation: how a reloaded page or a new tab gets it again. "
        "Given only to the diary's own pages and to apps on allowed origins "
        "(EDIARY_ALLOWED_ORIGINS); null for bearer tokens, which need none."
    )
    async def csrf_token(self, info: Info) -> str | None:
        if self._opened_csrf_token is not None:
            return self._opened_csrf_token
        return await info.context.session_csrf_token()

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

    @strawberry.field(
        description="The classes the viewer leads as their class teacher, by name; empty for "
        "others."
    )
    async def led_classes(self, info: Info) -> list[SchoolClass]:
        if Role.TEACHER not in self._viewer.roles:
            return []
        found = await info.context.loaders.school_class.load_many(sorted(self._viewer.homerooms))
        classes = [SchoolClass.from_model(c) for c in found if c is not None]
        return sorted(classes, key=lambda c: (c.grade, c.letter))

    @classmethod
    async def resolve_nodes(
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Self | None]:
        viewer = await info.context.require_viewer()

        async def own(user_id: int) -> DomainViewer:
            # Another account's ID answers like an unknown one.
            if user_id != viewer.user_id:
                raise NotFound()
            return viewer

        return await resolve_each(node_ids, required, own, cls.from_domain)

    @strawberry.field(
        description="How this parent hears about each child (`setNotificationPreference` "
        "changes one), one per child, defaults included (`saved: false`); only the child "
        "of `studentId` when given (NOT_FOUND for anyone else's). Empty for accounts "
        "without children."
    )
    async def notification_preferences(
        self, info: Info, student_id: relay.GlobalID | None = None
    ) -> list[
        Annotated[NotificationPreference, strawberry.lazy("ediary.schema.writes.notifications")]
    ]:
        from ediary.domain.notifications import preferences
        from ediary.schema.writes.notifications import NotificationPreference

        child = local_id(student_id, "Student") if student_id is not None else None
        found = await preferences(self._viewer, child)
        return [NotificationPreference.from_domain(p) for p in found]

    @strawberry.field(
        description="Changes to the ways into this account, newest first: logins issued and "
        "re-issued by the school, password changes, portals linked and unlinked, with who "
        "made each. Only the owner reads it."
    )
    async def account_history(
        self, info: Info, first: int = 20, after: str | None = None
    ) -> AccountEventConnection | None:
        check_page_size(info, first)
        page = await own_history(self._viewer, first=first, after=after)
        return account_event_page(page, after)

    @strawberry.field(description="Schools the viewer works at or their children attend.")
    async def schools(self, info: Info) -> list[School] | None:
        ids = sorted(self._viewer.schools | self._viewer.admin_schools)
        schools = await info.context.loaders.school.load_many(ids)
        return [School.from_model(s) for s in schools if s is not None]
