"""An actor's reach: what an import, a plugin's flow or a command may create or change.

Nothing acts as "the system". A school administrator's import reaches one school; the
operator at the command line names the schools or regions they import into. Every object an
outside key (a OneRoster sourcedId, a login, an e-mail) leads to is checked against the reach
here, in the domain, so that a plugin cannot forget it: `ReachGuard.owned_ids` filters ids a
plugin's own key table resolved, `ReachGuard.account_collision` answers whether a login or an
e-mail is held by someone the reach does not own, and `ReachGuard.may_grant` bounds the roles
an import may give by the importer's own.

A person belongs to a reach when every tie they have (role grants, enrollments, teaching,
homeroom classes, and for parents their children's enrollments) lies inside it, and at least
one does: a teacher shared with another school, or a parent with a child there, is outside
the reach of either school alone, so neither can change or take over the account.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from tortoise.models import Model

from ediary.domain.access import Viewer, may_import_school_data, may_see_school
from ediary.domain.enums import Role
from ediary.domain.errors import DomainError, Forbidden, NotFound
from ediary.domain.models import (
    AcademicYear,
    Enrollment,
    Guardianship,
    Mark,
    Region,
    RoleGrant,
    School,
    SchoolClass,
    Subject,
    TeachingAssignment,
    Term,
    User,
)

__all__ = [
    "OutsideReach",
    "Reach",
    "ReachGuard",
    "operator_reach",
    "school_admin_reach",
]

# Roles held at a school: the only ones a school's own import may grant, and only there.
SCHOOL_ROLES = frozenset(
    {Role.STUDENT, Role.PARENT, Role.TEACHER, Role.SCHOOL_ADMIN, Role.HEALTH_WORKER}
)
# Roles held in a region: only a reach over the whole region grants them.
REGION_ROLES = frozenset({Role.REGIONAL_OFFICIAL})
# Queries with `id__in` are cut into pages: SQLite limits the parameters of one statement.
_PAGE = 2000


class OutsideReach(DomainError):
    """An outside key leads to something the actor may not change. The message says no more
    than that: not whose it is, nor which school, nor which of the keys collided."""

    code = "OUTSIDE_REACH"
    default_message = (
        "an identifier of this row (sourcedId, username or e-mail) is already used by an "
        "account or record this import may not change"
    )


@dataclass(frozen=True)
class Reach:
    """Who acts and what they may create or change: schools by id, regions by code.

    A region's code, not its id, so that an operator may name a region an import is about to
    create; the region's schools are all inside it.
    """

    actor_id: int | None
    schools: frozenset[int] = frozenset()
    regions: frozenset[str] = frozenset()
    # Shown in reports and logs: "school 12", "operator: region or-77".
    label: str = field(default="", compare=False)

    @property
    def school(self) -> int | None:
        """The one school of a reach that is exactly one school, else None."""
        if len(self.schools) == 1 and not self.regions:
            (only,) = self.schools
            return only
        return None


async def school_admin_reach(viewer: Viewer, school_id: int) -> Reach:
    """The reach of an administrator importing into one of their schools.

    Raises NotFound for a school the viewer has no tie to and Forbidden for one they see but
    do not administer.
    """
    school = await School.get_or_none(id=school_id)
    if school is None or not may_see_school(viewer, school.id, school.region_id):
        raise NotFound(field="schoolId")
    if not may_import_school_data(viewer, school.id):
        raise Forbidden("Only an administrator of the school may import data into it.")
    return Reach(
        actor_id=viewer.user_id, schools=frozenset({school.id}), label=f"school {school.id}"
    )


async def operator_reach(schools: Iterable[int] = (), regions: Iterable[str] = ()) -> Reach:
    """The reach an operator names on the command line: existing schools by id, regions by
    code (a region not in the diary yet may be created by the import). At least one."""
    school_ids = frozenset(schools)
    codes = frozenset(code.strip() for code in regions if code.strip())
    if not school_ids and not codes:
        raise DomainError("Name what to import into: --school ID or --region CODE.")
    found = await _ids(School.filter(id__in=list(school_ids)), "id")
    missing = sorted(school_ids - found)
    if missing:
        raise NotFound(f"There is no school with the id {missing[0]}.")
    parts = [f"school {i}" for i in sorted(school_ids)] + [f"region {c}" for c in sorted(codes)]
    return Reach(actor_id=None, schools=school_ids, regions=codes, label=", ".join(parts))


class ReachGuard:
    """A reach during one unit of work (one import): resolves its schools and regions once,
    answers which existing objects it owns, and owns the accounts the work creates."""

    def __init__(self, reach: Reach) -> None:
        self.reach = reach
        self._region_ids: set[int] = set()
        self._school_ids: set[int] = set(reach.schools)
        self._users: set[int] | None = None
        self._adopted: set[int] = set()

    @classmethod
    async def open(cls, reach: Reach) -> ReachGuard:
        guard = cls(reach)
        await guard._resolve()
        return guard

    async def _resolve(self) -> None:
        codes = list(self.reach.regions)
        self._region_ids = await _ids(Region.filter(code__in=codes), "id")
        in_regions = await _ids(School.filter(region_id__in=list(self._region_ids)), "id")
        self._school_ids = set(self.reach.schools) | in_regions

    @property
    def actor_id(self) -> int | None:
        return self.reach.actor_id

    # -- schools and regions ----------------------------------------------------------------

    def may_use_region_code(self, code: str) -> bool:
        """Whether the work may create, rename or place schools in the region of this code."""
        return code in self.reach.regions

    async def owns_region(self, region_id: int) -> bool:
        if region_id in self._region_ids:
            return True
        code: list[Any] = await Region.filter(id=region_id).values_list("code", flat=True)
        if code and str(code[0]) in self.reach.regions:
            self._region_ids.add(region_id)
            return True
        return False

    async def owns_school(self, school_id: int) -> bool:
        if school_id in self._school_ids:
            return True
        region = await _ids(School.filter(id=school_id), "region_id")
        if region and await self.owns_region(min(region)):
            self._school_ids.add(school_id)
            return True
        return False

    # -- objects an outside key resolved to ------------------------------------------------

    async def owned_ids(self, model: type[Model], ids: Iterable[int]) -> set[int]:
        """Of these ids of `model`, the ones the reach owns; the rest are someone else's (or
        gone) and must neither be changed nor linked to."""
        wanted = sorted(set(ids))
        if not wanted:
            return set()
        if model is User:
            return set(wanted) & await self._owned_users()
        if model is Region:
            return {i for i in wanted if await self.owns_region(i)}
        schools = list(self._school_ids)
        path = _SCHOOL_PATH.get(model)
        if path is None:
            raise TypeError(f"{model.__name__} has no school to scope it by")
        owned: set[int] = set()
        for page in _pages(wanted):
            owned |= await _ids(model.filter(id__in=page).filter(**{f"{path}__in": schools}), "id")
        return owned

    def adopt_user(self, user_id: int) -> None:
        """An account the work itself created is the reach's own."""
        self._adopted.add(user_id)
        if self._users is not None:
            self._users.add(user_id)

    async def _owned_users(self) -> set[int]:
        if self._users is None:
            # Accounts adopted before the first question have no tie yet to be found by.
            within = await _users_within(self._school_ids, self._region_ids)
            self._users = within | self._adopted
        return self._users

    # -- people by login or e-mail ----------------------------------------------------------

    async def account_collision(
        self, user_id: int | None, *, login: str = "", email: str | None = None
    ) -> str | None:
        """Whether another account than `user_id` holds this login or e-mail: None when no
        one does, "inside" when an account of the reach does, "outside" otherwise. Callers
        reject the row; for "outside" they say no more than OutsideReach does."""
        by_login: set[int] = set()
        if login:
            by_login = await _ids(User.filter(login=login), "id")
        by_email: set[int] = set()
        if email:
            by_email = await _ids(User.filter(email=email), "id")
        others = (by_login | by_email) - {user_id}
        if not others:
            return None
        if others - await self._owned_users():
            return "outside"
        # An e-mail shared inside the reach (one address for a family) is allowed.
        return "inside" if by_login - {user_id} else None

    # -- roles ------------------------------------------------------------------------------

    async def may_grant(self, role: Role, school_id: int | None, region_id: int | None) -> bool:
        """Roles are bounded by the reach: school roles at its own schools, a regional role
        only in a region the reach holds whole; never a role scoped to nothing."""
        if role in SCHOOL_ROLES:
            return region_id is None and school_id is not None and await self.owns_school(school_id)
        if role in REGION_ROLES:
            return school_id is None and region_id is not None and await self.owns_region(region_id)
        return False


# How each model scoped by school reaches its school.
_SCHOOL_PATH: dict[type[Model], str] = {
    School: "id",
    AcademicYear: "school_id",
    Subject: "school_id",
    SchoolClass: "school_id",
    Term: "academic_year__school_id",
    Enrollment: "school_class__school_id",
    Mark: "school_class__school_id",
}


async def _ids(query: Any, column: str) -> set[int]:
    """One integer column of a query, as a set."""
    return {int(value) for value in await query.values_list(column, flat=True)}


def _pages(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), _PAGE):
        yield ids[start : start + _PAGE]


async def _users_within(schools: set[int], regions: set[int]) -> set[int]:
    """Accounts with a tie inside these schools or regions and none outside them."""
    school_list, region_list = list(schools), list(regions)
    students = await _ids(Enrollment.filter(school_class__school_id__in=school_list), "student_id")
    tied = (
        students
        | await _ids(RoleGrant.filter(school_id__in=school_list), "user_id")
        | await _ids(RoleGrant.filter(region_id__in=region_list), "user_id")
        | await _ids(
            TeachingAssignment.filter(school_class__school_id__in=school_list), "teacher_id"
        )
        | await _ids(
            SchoolClass.filter(school_id__in=school_list, class_teacher_id__isnull=False),
            "class_teacher_id",
        )
    )
    for page in _pages(sorted(students)):
        tied |= await _ids(Guardianship.filter(student_id__in=page), "parent_id")
    outside: set[int] = set()
    for page in _pages(sorted(tied)):
        outside |= await _tied_outside(page, school_list, region_list)
    return tied - outside


async def _tied_outside(
    users: list[int], schools: list[int], regions: list[int], as_parents: bool = True
) -> set[int]:
    """Of these accounts, those with a tie to a school or region outside the lists."""
    found = (
        await _ids(
            RoleGrant.filter(user_id__in=users, school_id__isnull=False).exclude(
                school_id__in=schools
            ),
            "user_id",
        )
        | await _ids(
            RoleGrant.filter(user_id__in=users, region_id__isnull=False).exclude(
                region_id__in=regions
            ),
            "user_id",
        )
        | await _ids(
            Enrollment.filter(student_id__in=users).exclude(school_class__school_id__in=schools),
            "student_id",
        )
        | await _ids(
            TeachingAssignment.filter(teacher_id__in=users).exclude(
                school_class__school_id__in=schools
            ),
            "teacher_id",
        )
        | await _ids(
            SchoolClass.filter(class_teacher_id__in=users).exclude(school_id__in=schools),
            "class_teacher_id",
        )
    )
    if not as_parents:
        return found
    # A parent reaches as far as their children do; a child with no tie at all (not yet
    # enrolled anywhere) is no one's to hand over either.
    pairs: list[Any] = await Guardianship.filter(parent_id__in=users).values_list(
        "parent_id", "student_id"
    )
    children = {(int(parent), int(student)) for parent, student in pairs}
    if children:
        kids = sorted({student for _, student in children})
        far = await _tied_outside(kids, schools, regions, as_parents=False)
        anchored = await _ids(Enrollment.filter(student_id__in=kids), "student_id") | await _ids(
            RoleGrant.filter(user_id__in=kids), "user_id"
        )
        found |= {parent for parent, kid in children if kid in far or kid not in anchored}
    return found
