"""Imported people: accounts, enrollments and guardians, checked and written set-based."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tortoise import connections

from ediary.domain.bulk import insert_models, reserve_ids, update_models
from ediary.domain.enums import Role
from ediary.domain.errors import InvalidFields, InvalidInput, NotFound, Problem
from ediary.domain.imports.scope import ImportScope, Refusal, single
from ediary.domain.models import Enrollment, Guardianship, RoleGrant, User
from ediary.domain.reach import OutsideReach

NAME_LIMIT = 100
LOGIN_LIMIT = 254


@dataclass(frozen=True)
class AccountData:
    """An account as an export describes it; `user_id` updates that account instead of
    creating one. `active` None leaves an account's state as it is (a new one is active)."""

    login: str
    last_name: str
    first_name: str
    middle_name: str = ""
    email: str | None = None
    phone: str | None = None
    snils: str | None = None
    user_id: int | None = None
    active: bool | None = None


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


async def _holders(column: str, values: set[str]) -> dict[str, set[int]]:
    """Which accounts hold each of these logins (e-mails, SNILS)."""
    found: dict[str, set[int]] = defaultdict(set)
    wanted = sorted(values)
    for start in range(0, len(wanted), 2000):
        rows: list[Any] = await User.filter(
            **{f"{column}__in": wanted[start : start + 2000]}
        ).values_list(column, "id")
        for value, user_id in rows:
            found[str(value)].add(int(user_id))
    return found


def _fields(data: AccountData) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "login": data.login.strip(),
        "last_name": data.last_name.strip(),
        "first_name": data.first_name.strip(),
        "middle_name": data.middle_name.strip(),
        "email": data.email,
        "phone": data.phone,
        "snils": data.snils,
    }
    if data.active is not None:
        fields["is_active"] = data.active
    return fields


@dataclass(frozen=True)
class SavedAccount:
    """An account `save_accounts` wrote: whether it was created, or else changed."""

    user: User
    created: bool
    changed: bool


async def save_accounts(
    scope: ImportScope, items: Sequence[AccountData]
) -> list[SavedAccount | Refusal]:
    """`save_account` for many accounts at once; returns, in order, each account and whether
    it was created or changed, or why it was refused. Two items may not take the same login
    or SNILS. An account whose fields are already as given is not written."""
    results: list[SavedAccount | Refusal] = [NotFound()] * len(items)
    logins = await _holders("login", {d.login.strip() for d in items})
    emails = await _holders("email", {d.email for d in items if d.email})
    snilses = await _holders("snils", {d.snils for d in items if d.snils})
    updated = {d.user_id for d in items if d.user_id is not None}
    holders = set().union(*logins.values(), *emails.values())
    owned = await scope.owned_users(updated | holders)
    taken: set[str] = set()
    new: list[tuple[int, User]] = []
    updates: dict[int, tuple[int, dict[str, Any]]] = {}
    for index, data in enumerate(items):
        problems = _account_problems(data)
        if problems:
            results[index] = InvalidFields(problems)
            continue
        if data.user_id is not None and data.user_id not in owned:
            results[index] = OutsideReach(field="userId")
            continue
        login = data.login.strip()
        by_login = logins.get(login, set()) - {data.user_id}
        others = by_login | (emails.get(data.email, set()) if data.email else set())
        others -= {data.user_id}
        if others - owned:
            results[index] = OutsideReach(field="login")
            continue
        if by_login or login in taken:
            results[index] = InvalidInput(
                "Another account of this import has this login.", field="login"
            )
            continue
        if data.snils is not None and (
            snilses.get(data.snils, set()) - {data.user_id} or data.snils in taken
        ):
            results[index] = OutsideReach(field="snils")
            continue
        taken |= {login, *([data.snils] if data.snils else [])}
        fields = _fields(data)
        if data.user_id is None:
            new.append((index, User(**fields)))
        else:
            updates[data.user_id] = (index, fields)
    conn = connections.get("default")
    users = [user for _, user in new]
    now = datetime.now(UTC)
    for user, user_id in zip(users, await reserve_ids(User, len(users), conn), strict=True):
        user.id, user.created_at = user_id, now
        scope.guard.adopt_user(user_id)
    await insert_models(users, conn)
    for index, user in new:
        user._saved_in_db = True
        results[index] = SavedAccount(user, True, True)
    changed = []
    for user in await User.filter(id__in=sorted(updates)):
        index, fields = updates[user.id]
        differs = any(getattr(user, name) != value for name, value in fields.items())
        user.update_from_dict(fields)
        results[index] = SavedAccount(user, False, differs)
        if differs:
            changed.append(user)
    names = sorted({name for _, fields in updates.values() for name in fields})
    await update_models(changed, names, conn)
    return results


async def save_account(scope: ImportScope, data: AccountData) -> tuple[User, bool]:
    """Create the account, or update the one `data.user_id` names; returns it and whether it
    was created. Its login, e-mail and SNILS may not be another account's, and an existing
    account must be the reach's own."""
    saved = single(await save_accounts(scope, [data]))
    return saved.user, saved.created


async def grant_school_roles(
    scope: ImportScope, grants: set[tuple[int, Role, int]]
) -> set[tuple[int, Role, int]]:
    """Give these (user, role, school) grants that are missing; returns the ones refused."""
    refused = {g for g in grants if not await scope.guard.may_grant(g[1], g[2], None)}
    wanted = grants - refused
    users = sorted({user for user, _, _ in wanted})
    held: set[tuple[int, Role, int]] = set()
    for start in range(0, len(users), 2000):
        rows: list[Any] = await RoleGrant.filter(
            user_id__in=users[start : start + 2000], region_id=None
        ).values_list("user_id", "role", "school_id")
        held |= {(int(u), Role(r), int(s)) for u, r, s in rows if s is not None}
    missing = sorted(wanted - held)
    objs = [RoleGrant(user_id=u, role=r, school_id=s, region_id=None) for u, r, s in missing]
    conn = connections.get("default")
    for obj, grant_id in zip(objs, await reserve_ids(RoleGrant, len(objs), conn), strict=True):
        obj.id = grant_id
    await insert_models(objs, conn)
    return refused


@dataclass(frozen=True)
class EnrollmentData:
    """A student in a class from a day; `ends_on` closes it (a student who left)."""

    student_id: int
    class_id: int
    starts_on: date
    ends_on: date | None = None


@dataclass(frozen=True)
class SavedEnrollment:
    """An enrollment `enroll_many` wrote or kept: whether it was created, or else changed."""

    enrollment: Enrollment
    created: bool
    changed: bool


async def enroll_many(
    scope: ImportScope, items: Sequence[EnrollmentData]
) -> list[SavedEnrollment | Refusal]:
    """`enroll` for many students at once; returns, in order, each enrollment and whether it
    is new, or why it was refused. An enrollment of the student in the class that starts on
    the same day, or is open, is kept, its end set to `ends_on` when that is given."""
    results: list[SavedEnrollment | Refusal] = [NotFound()] * len(items)
    students = await scope.owned_users(i.student_id for i in items)
    classes = await scope.owned_classes(i.class_id for i in items)
    current: dict[tuple[int, int], list[Enrollment]] = defaultdict(list)
    ids = sorted(students)
    for start in range(0, len(ids), 2000):
        for found in await Enrollment.filter(
            student_id__in=ids[start : start + 2000],
            school_class_id__in=sorted(classes),
        ).order_by("id"):
            current[(found.student_id, found.school_class_id)].append(found)
    planned: list[tuple[int, EnrollmentData]] = []
    ended: list[Enrollment] = []
    for index, item in enumerate(items):
        kept = next(
            (
                e
                for e in current[(item.student_id, item.class_id)]
                if e.starts_on == item.starts_on or e.ends_on is None
            ),
            None,
        )
        if item.student_id not in students:
            results[index] = OutsideReach(field="studentId")
        elif item.class_id not in classes:
            results[index] = OutsideReach(field="classId")
        elif item.ends_on is not None and item.ends_on < item.starts_on:
            results[index] = InvalidInput("An enrollment ends after it starts.", field="endsOn")
        elif kept is not None:
            ends = item.ends_on is not None and kept.ends_on != item.ends_on
            if ends:
                kept.ends_on = item.ends_on
                ended.append(kept)
            results[index] = SavedEnrollment(kept, False, ends)
        elif item.starts_on > scope.today + timedelta(days=366):
            results[index] = InvalidInput(
                "An enrollment cannot start more than a year ahead.", field="startsOn"
            )
        else:
            enrollment = Enrollment(
                student_id=item.student_id,
                school_class_id=item.class_id,
                starts_on=item.starts_on,
                ends_on=item.ends_on,
            )
            # A second item for the same student and class keeps this one.
            current[(item.student_id, item.class_id)].append(enrollment)
            planned.append((index, item))
            results[index] = SavedEnrollment(enrollment, True, True)
    refused = await grant_school_roles(
        scope,
        {(i.student_id, Role.STUDENT, classes[i.class_id].school_id) for _, i in planned},
    )
    new: list[Enrollment] = []
    for index, item in planned:
        if (item.student_id, Role.STUDENT, classes[item.class_id].school_id) in refused:
            results[index] = OutsideReach()
            continue
        result = results[index]
        assert isinstance(result, SavedEnrollment)
        new.append(result.enrollment)
    conn = connections.get("default")
    objs = new
    for obj, row_id in zip(objs, await reserve_ids(Enrollment, len(objs), conn), strict=True):
        obj.id = row_id
    await insert_models(objs, conn)
    for obj in objs:
        obj._saved_in_db = True
    await update_models(ended, ["ends_on"], conn)
    return results


async def enroll(
    scope: ImportScope, student_id: int, class_id: int, starts_on: date
) -> tuple[Enrollment, bool]:
    """Put the student in the class from `starts_on` (and give them the student role at its
    school); returns the enrollment and whether it is new. An open enrollment in the same
    class is kept as it is."""
    saved = single(await enroll_many(scope, [EnrollmentData(student_id, class_id, starts_on)]))
    return saved.enrollment, saved.created


@dataclass(frozen=True)
class GuardianLink:
    """A parent of a student, and what they are to them."""

    parent_id: int
    student_id: int
    relation: str = "parent"


async def link_guardians(scope: ImportScope, items: Sequence[GuardianLink]) -> list[bool | Refusal]:
    """`link_guardian` for many links at once; returns, in order, whether each link is new,
    or why it was refused."""
    results: list[bool | Refusal] = [False] * len(items)
    owned = await scope.owned_users({i.parent_id for i in items} | {i.student_id for i in items})
    students = sorted({i.student_id for i in items if i.student_id in owned})
    schools: dict[int, set[int]] = defaultdict(set)
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(students), 2000):
        page = students[start : start + 2000]
        rows: list[Any] = await Enrollment.filter(student_id__in=page).values_list(
            "student_id", "school_class__school_id"
        )
        for student_id, school_id in rows:
            schools[int(student_id)].add(int(school_id))
        links: list[Any] = await Guardianship.filter(student_id__in=page).values_list(
            "parent_id", "student_id"
        )
        pairs |= {(int(p), int(s)) for p, s in links}
    planned: list[tuple[int, GuardianLink]] = []
    for index, item in enumerate(items):
        if item.parent_id not in owned:
            results[index] = OutsideReach(field="parentId")
        elif item.student_id not in owned:
            results[index] = OutsideReach(field="studentId")
        elif item.parent_id == item.student_id:
            results[index] = InvalidInput(
                "A student cannot be their own guardian.", field="parentId"
            )
        elif not item.relation.strip() or len(item.relation) > 32:
            results[index] = InvalidInput("A relation has 1 to 32 characters.", field="relation")
        elif not schools[item.student_id]:
            results[index] = InvalidInput(
                "Enroll the student before linking a guardian.", field="studentId"
            )
        else:
            planned.append((index, item))
    refused = await grant_school_roles(
        scope,
        {(i.parent_id, Role.PARENT, s) for _, i in planned for s in schools[i.student_id]},
    )
    new: list[Guardianship] = []
    for index, item in planned:
        if any((item.parent_id, Role.PARENT, s) in refused for s in schools[item.student_id]):
            results[index] = OutsideReach()
            continue
        pair = (item.parent_id, item.student_id)
        results[index] = pair not in pairs
        if pair not in pairs:
            pairs.add(pair)
            new.append(
                Guardianship(
                    parent_id=item.parent_id,
                    student_id=item.student_id,
                    relation=item.relation.strip(),
                    created_at=datetime.now(UTC),
                )
            )
    conn = connections.get("default")
    for obj, row_id in zip(new, await reserve_ids(Guardianship, len(new), conn), strict=True):
        obj.id = row_id
    await insert_models(new, conn)
    return results


async def link_guardian(
    scope: ImportScope, parent_id: int, student_id: int, relation: str = "parent"
) -> bool:
    """Make the account a guardian of the student, with the parent role at each school the
    student is enrolled in; returns whether the link is new."""
    return single(await link_guardians(scope, [GuardianLink(parent_id, student_id, relation)]))
