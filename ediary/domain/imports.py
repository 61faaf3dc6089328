"""Writing imported school data: accounts, enrollments, guardians and marks.

An import writes through these functions, never through rows, so that what it writes is what
the API would have written: an account's login and e-mail are checked against every other
account, a student is enrolled with the school role that goes with it, and a mark passes the
region's scale, weights and dates and starts its history (without that entry `ediary audit
verify` reports the mark as changed behind the journal's back). Every function works within
an `ImportScope`, the actor's reach during one import, and refuses what the reach does not
own with `OutsideReach`, whose message names nothing outside it.

The caller runs them inside one transaction (the core's import runner opens it) and turns a
`DomainError` into a rejected row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise import connections

from ediary.domain.enums import MarkAction, Role, WorkKind
from ediary.domain.errors import InvalidFields, InvalidInput, NotFound, Problem
from ediary.domain.grading import RegionPolicy
from ediary.domain.journal.base import term_of
from ediary.domain.journal.history import Change, append
from ediary.domain.journal.marks import dated_too_far_ahead, mark_problems
from ediary.domain.models import (
    Enrollment,
    Guardianship,
    Mark,
    RoleGrant,
    SchoolClass,
    Subject,
    User,
)
from ediary.domain.placements import placements
from ediary.domain.reach import OutsideReach, Reach, ReachGuard

__all__ = [
    "IMPORT_REASON",
    "AccountData",
    "ImportScope",
    "ImportedMark",
    "enroll",
    "link_guardian",
    "record_mark",
    "save_account",
]

# What the history of an imported mark says about where it came from.
IMPORT_REASON = "imported"
NAME_LIMIT = 100
LOGIN_LIMIT = 254


@dataclass
class ImportScope:
    """One import's actor and reach, the schools' today and the region policy lookup."""

    guard: ReachGuard
    today: date
    policy_for: Callable[[str], RegionPolicy]

    @classmethod
    async def open(
        cls, reach: Reach, today: date, policy_for: Callable[[str], RegionPolicy]
    ) -> ImportScope:
        """Resolve the reach's schools and regions; call it inside the import's transaction."""
        return cls(await ReachGuard.open(reach), today, policy_for)

    @property
    def actor_id(self) -> int | None:
        return self.guard.actor_id

    async def owned_class(self, class_id: int) -> SchoolClass:
        """The class, when the reach owns it; OutsideReach otherwise (also for no class)."""
        if not await self.guard.owned_ids(SchoolClass, [class_id]):
            raise OutsideReach(field="classId")
        return await SchoolClass.get(id=class_id).select_related("school__region")

    async def owned_user(self, user_id: int, field: str) -> None:
        if not await self.guard.owned_ids(User, [user_id]):
            raise OutsideReach(field=field)


@dataclass(frozen=True)
class AccountData:
    """An account as an export describes it; `user_id` updates that account instead of
    creating one."""

    login: str
    last_name: str
    first_name: str
    middle_name: str = ""
    email: str | None = None
    phone: str | None = None
    snils: str | None = None
    user_id: int | None = None


def _account_problems(data: AccountData) -> list[Problem]:
    found = []
    login = data.login.strip()
    if not login or len(login) > LOGIN_LIMIT or any(c.isspace() for c in login):
        found.append(Problem(("login",), f"A login has 1 to {LOGIN_LIMIT} characters, no spaces."))
    for name, value, required in (
        ("lastName", data.last_name, True),
        ("firstName", data.first_name, True),
        ("middleName", data.middle_name, False),
    ):
        if (required and not value.strip()) or len(value) > NAME_LIMIT:
            found.append(Problem((name,), f"A name has 1 to {NAME_LIMIT} characters."))
    if data.email is not None and ("@" not in data.email or len(data.email) > LOGIN_LIMIT):
        found.append(Problem(("email",), "This is not an e-mail address."))
    if data.snils is not None and not (len(data.snils) == 11 and data.snils.isdigit()):
        found.append(Problem(("snils",), "A SNILS is 11 digits."))
    return found


async def save_account(scope: ImportScope, data: AccountData) -> tuple[User, bool]:
    """Create the account, or update the one `data.user_id` names; returns it and whether it
    was created. Its login, e-mail and SNILS may not be another account's, and an existing
    account must be the reach's own."""
    problems = _account_problems(data)
    if problems:
        raise InvalidFields(problems)
    if data.user_id is not None:
        await scope.owned_user(data.user_id, "userId")
    collision = await scope.guard.account_collision(
        data.user_id, login=data.login.strip(), email=data.email
    )
    if collision == "outside":
        raise OutsideReach(field="login")
    if collision == "inside":
        raise InvalidInput("Another account of this import has this login.", field="login")
    if data.snils is not None:
        holder = await User.filter(snils=data.snils).exclude(id=data.user_id or 0).first()
        if holder is not None:
            raise OutsideReach(field="snils")
    fields: dict[str, Any] = {
        "login": data.login.strip(),
        "last_name": data.last_name.strip(),
        "first_name": data.first_name.strip(),
        "middle_name": data.middle_name.strip(),
        "email": data.email,
        "phone": data.phone,
        "snils": data.snils,
    }
    if data.user_id is None:
        user = await User.create(using_db=None, **fields)
        scope.guard.adopt_user(user.id)
        return user, True
    user = await User.get(id=data.user_id)
    user.update_from_dict(fields)
    await user.save()
    return user, False


async def _grant(scope: ImportScope, user_id: int, role: Role, school_id: int) -> None:
    if not await scope.guard.may_grant(role, school_id, None):
        raise OutsideReach()
    await RoleGrant.get_or_create(user_id=user_id, role=role, school_id=school_id, region_id=None)


async def enroll(
    scope: ImportScope, student_id: int, class_id: int, starts_on: date
) -> tuple[Enrollment, bool]:
    """Put the student in the class from `starts_on` (and give them the student role at its
    school); returns the enrollment and whether it is new. An open enrollment in the same
    class is kept as it is."""
    await scope.owned_user(student_id, "studentId")
    school_class = await scope.owned_class(class_id)
    current = await Enrollment.filter(
        student_id=student_id, school_class_id=class_id, ends_on__isnull=True
    ).first()
    if current is not None:
        return current, False
    if starts_on > scope.today + timedelta(days=366):
        raise InvalidInput("An enrollment cannot start more than a year ahead.", field="startsOn")
    await _grant(scope, student_id, Role.STUDENT, school_class.school_id)
    created = await Enrollment.create(
        student_id=student_id, school_class_id=class_id, starts_on=starts_on
    )
    return created, True


async def link_guardian(
    scope: ImportScope, parent_id: int, student_id: int, relation: str = "parent"
) -> bool:
    """Make the account a guardian of the student, with the parent role at each school the
    student is enrolled in; returns whether the link is new."""
    await scope.owned_user(parent_id, "parentId")
    await scope.owned_user(student_id, "studentId")
    if parent_id == student_id:
        raise InvalidInput("A student cannot be their own guardian.", field="parentId")
    if not relation.strip() or len(relation) > 32:
        raise InvalidInput("A relation has 1 to 32 characters.", field="relation")
    schools: list[Any] = await Enrollment.filter(student_id=student_id).values_list(
        "school_class__school_id", flat=True
    )
    if not schools:
        raise InvalidInput("Enroll the student before linking a guardian.", field="studentId")
    for school_id in sorted({int(s) for s in schools}):
        await _grant(scope, parent_id, Role.PARENT, school_id)
    _, created = await Guardianship.get_or_create(
        parent_id=parent_id, student_id=student_id, defaults={"relation": relation.strip()}
    )
    return created


@dataclass(frozen=True)
class ImportedMark:
    """A mark from an export: for dated work of a class in a subject (no lesson)."""

    student_id: int
    class_id: int
    subject_id: int
    on: date
    value: int
    author_id: int
    kind: WorkKind = WorkKind.CLASSWORK
    # None: the region policy's weight for the kind.
    weight: int | None = None
    comment: str = ""


async def record_mark(scope: ImportScope, entry: ImportedMark) -> Mark:
    """Write the mark and the first entry of its history, after the checks the API makes:
    the region's scale and weights, a date inside a term and not ahead of the policy's
    limit, a student in the class on that day, a subject and an author of the school."""
    school_class = await scope.owned_class(entry.class_id)
    subject = await Subject.get_or_none(id=entry.subject_id)
    if subject is None or subject.school_id != school_class.school_id:
        raise NotFound(field="subjectId")
    await scope.owned_user(entry.author_id, "authorId")
    policy = scope.policy_for(school_class.school.region.code)
    weight = entry.weight if entry.weight is not None else policy.weight_for(entry.kind)
    # The API's own checks, so an imported mark is one the API could have written.
    problems = mark_problems(policy, (), entry.value, weight, entry.comment)
    if ahead := dated_too_far_ahead(policy, entry.on, scope.today, ("date",)):
        problems.append(ahead)
    term = await term_of(school_class.academic_year_id, entry.on)
    if term is None:
        problems.append(Problem(("date",), "This day is outside every term of the school year."))
    found = await placements({entry.student_id}, entry.on, entry.on)
    if not any(
        p.class_id == entry.class_id and p.covers(entry.on) for p in found.get(entry.student_id, [])
    ):
        problems.append(Problem(("studentId",), "This student is not in the class on that day."))
    if problems:
        raise InvalidFields(problems)
    assert term is not None
    mark = await Mark.create(
        student_id=entry.student_id,
        lesson_id=None,
        school_class_id=entry.class_id,
        subject_id=entry.subject_id,
        term_id=term.id,
        date=entry.on,
        value=entry.value,
        weight=weight,
        kind=entry.kind,
        comment=entry.comment,
        author_id=entry.author_id,
    )
    # The history names who imported the mark; an operator at the command line is no
    # account, so then it names the author.
    actor = scope.actor_id if scope.actor_id is not None else entry.author_id
    change = Change(mark, MarkAction.CREATE, actor, None, IMPORT_REASON)
    await append(connections.get("default"), [change], datetime.now(UTC))
    return mark
