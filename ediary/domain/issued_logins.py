"""Logins and temporary passwords the school issues to the families of a class.

"The student's login and password are assigned by the school's IT workers": the class teacher
or the school administration issues, in one batch, a login and a temporary password for each
student of a class and each of their parents, and prints one sheet per family. A person who
already has a way in (a password of their own, a portal identity) keeps it unless the issuer
asks otherwise. A parent who lost theirs gets a new one from the class teacher ("the parent
must contact the class teacher to restore them"): the old password and every open session of
the account die at once.

A temporary password opens a session that must change it before anything else
(`Session.must_change_password`). It is never stored: it is derived from the server secret
and a nonce (`temporary_passwords`), and the nonce is kept only while the batch's sheets may
be printed (`SHEETS_LIFETIME`), then wiped, so nobody can print or read it again. Every issue
is written to the account's history with who made it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from ediary.domain import account_history, auth, login_names, temporary_passwords
from ediary.domain.access import Viewer, may_issue_logins, may_see_class
from ediary.domain.enums import AccountEventKind, Role
from ediary.domain.errors import (
    Forbidden,
    InvalidInput,
    LoginSheetsExpired,
    NotFound,
    Unauthenticated,
)
from ediary.domain.models import (
    Enrollment,
    Guardianship,
    IssuedLogin,
    LoginBatch,
    RoleGrant,
    School,
    SchoolClass,
    User,
)
from ediary.domain.placements import enrolled_over
from ediary.domain.session_end import EndReason, SessionsEnded, end_sessions

__all__ = [
    "SHEETS_LIFETIME",
    "ClassAccount",
    "Family",
    "IssuedBatch",
    "IssuedPerson",
    "LoginState",
    "class_accounts",
    "issue_class_logins",
    "login_sheets",
    "reissue_login",
]

# How long after issuing the sheets can be printed: the issuer prints them the same day;
# later, nobody can, and whoever did not get theirs has it re-issued.
SHEETS_LIFETIME = timedelta(hours=24)
# The name of a parent account the school makes for a child with none: the family's name
# and this, until the parent's own name is known.
PARENT_PLACEHOLDER = "Родитель"
ISSUED_ROLES = frozenset({Role.STUDENT, Role.PARENT})
# Tries of an issue that met another one taking the same new login at the same moment.
ATTEMPTS = 3


@dataclass(frozen=True)
class IssuedPerson:
    """One login as the issuer sees it; `password` only while it can be shown."""

    user_id: int
    student_id: int
    full_name: str
    role: Role
    login: str
    password: str | None


@dataclass(frozen=True)
class IssuedBatch:
    id: int
    class_id: int
    class_name: str
    school_name: str
    created_at: datetime
    sheets_until: datetime
    logins: tuple[IssuedPerson, ...]


@dataclass(frozen=True)
class Family:
    """One sheet: a child and the logins of the child and its parents."""

    student_name: str
    class_name: str
    school_name: str
    logins: tuple[IssuedPerson, ...]


def _now() -> datetime:
    return datetime.now(UTC)


async def _class_for_issuer(viewer: Viewer, class_id: int) -> SchoolClass:
    """The class, for whoever may issue logins for it; a class the viewer cannot see looks
    missing (NOT_FOUND), one they see but may not issue for is FORBIDDEN."""
    if not viewer.is_authenticated:
        raise Unauthenticated()
    found = await SchoolClass.get_or_none(id=class_id)
    if found is None or not may_see_class(viewer, found.id, found.school_id):
        raise NotFound()
    if not may_issue_logins(viewer, found.id, found.school_id):
        raise Forbidden("Only the class teacher and the school administration issue logins.")
    return found


async def _holds_more_than_a_family_role(user_id: int) -> bool:
    """Staff and officials: a class teacher must not get to choose their password (and so log
    in with their reach) because they are also a parent in the class."""
    others = RoleGrant.filter(user_id=user_id).exclude(role__in=sorted(ISSUED_ROLES))
    return await others.exists() or await SchoolClass.exists(class_teacher_id=user_id)


async def _ensure_family_only(user_id: int) -> None:
    if await _holds_more_than_a_family_role(user_id):
        raise Forbidden(
            "This account belongs to a member of staff: its password is not re-issued "
            "through a class. The person resets it themselves or asks the administrator "
            "of the diary."
        )


def _has_way_in(user: User) -> bool:
    """A password the owner knows, or a portal identity: such accounts keep theirs."""
    return bool(user.password_hash) or user.snils is not None


async def _logins_like(bases: Iterable[str]) -> set[str]:
    taken: set[str] = set()
    for base in set(bases):
        found: list[Any] = list(
            await User.filter(login__startswith=base).values_list("login", flat=True)
        )
        taken |= {str(login) for login in found}
    return taken


@dataclass(frozen=True)
class _Secret:
    """A temporary password with what it is made from and its hash, ready to be given."""

    nonce: str
    password: str
    password_hash: str


def _new_secret(secret_key: str) -> _Secret:
    nonce = temporary_passwords.new_nonce()
    password = temporary_passwords.derive(secret_key, nonce)
    return _Secret(nonce, password, auth.hash_password(password))


async def _new_secrets(secret_key: str, count: int) -> list[_Secret]:
    """`count` secrets, hashed in threads before the transaction that gives them: argon2 takes
    a tenth of a second a password, and a class's worth must not hold the database's write
    lock for seconds."""
    made = await asyncio.gather(*(asyncio.to_thread(_new_secret, secret_key) for _ in range(count)))
    return list(made)


class _Issuer:
    """Gives people of one batch their logins and passwords, inside the caller's transaction,
    with the secrets made beforehand (more are made on the spot if the class changed since)."""

    def __init__(
        self, viewer: Viewer, batch: LoginBatch, secret_key: str, secrets: Sequence[_Secret]
    ) -> None:
        self.viewer = viewer
        self.batch = batch
        self.secret_key = secret_key
        self.secrets = list(secrets)
        self.issued: list[IssuedPerson] = []
        self.ended: list[SessionsEnded] = []
        self._taken: set[str] = set()

    async def _readable_login(self, user: User) -> str:
        """The login to print: kept when the account already has a readable one (issued
        before, or in use), else made from the name and unique among all accounts."""
        if _has_way_in(user) or await IssuedLogin.exists(user_id=user.id):
            return user.login
        base = login_names.base_login(user.last_name, user.first_name)
        taken = (await _logins_like([base]) | self._taken) - {user.login}
        login = login_names.unique_login(base, taken)
        self._taken.add(login)
        return login

    async def give(self, user: User, student: User, role: Role) -> None:
        now = _now()
        again = _has_way_in(user) or await IssuedLogin.exists(user_id=user.id)
        login = await self._readable_login(user)
        if self.secrets:
            secret = self.secrets.pop()
        else:
            secret = await asyncio.to_thread(_new_secret, self.secret_key)
        nonce, password = secret.nonce, secret.password
        # What an earlier batch printed stops working, and is no longer printable.
        await IssuedLogin.filter(user_id=user.id, superseded_at=None).update(
            superseded_at=now, nonce=""
        )
        user.login = login
        user.password_hash = secret.password_hash
        user.temporary_password_at = now
        await user.save(update_fields=["login", "password_hash", "temporary_password_at"])
        # The old password is dead with the new hash; so is every session it opened.
        self.ended.extend(await end_sessions(EndReason.PASSWORD_RESET, user_ids=[user.id]))
        await IssuedLogin.create(
            batch=self.batch, user=user, student=student, role=role, login=login, nonce=nonce
        )
        kind = AccountEventKind.LOGIN_REISSUED if again else AccountEventKind.LOGIN_ISSUED
        await account_history.record(user.id, kind, actor_id=self.viewer.user_id)
        self.issued.append(IssuedPerson(user.id, student.id, user.full_name, role, login, password))

    async def finished(
        self, school_class: SchoolClass
    ) -> tuple[IssuedBatch, tuple[SessionsEnded, ...]]:
        """The batch as issued, with its passwords, and the sessions it ended."""
        school = await School.get(id=school_class.school_id)
        batch = IssuedBatch(
            id=self.batch.id,
            class_id=school_class.id,
            class_name=school_class.name,
            school_name=school.name,
            created_at=self.batch.created_at,
            sheets_until=self.batch.sheets_until,
            logins=tuple(self.issued),
        )
        return batch, tuple(self.ended)


async def _current_students(class_id: int, today: date) -> list[User]:
    rows = await Enrollment.filter(enrolled_over(today), school_class_id=class_id).select_related(
        "student"
    )
    students = {row.student_id: row.student for row in rows if row.student.is_active}
    return sorted(students.values(), key=lambda s: (s.full_name, s.id))


async def _parents(student_ids: Sequence[int]) -> dict[int, list[User]]:
    rows = await Guardianship.filter(student_id__in=list(student_ids)).select_related("parent")
    found: dict[int, list[User]] = {sid: [] for sid in student_ids}
    for row in sorted(rows, key=lambda r: (r.parent.full_name, r.parent_id)):
        found[row.student_id].append(row.parent)
    return found


async def _placeholder_parent(student: User, school_id: int) -> User:
    """A parent account for a child the diary knows no parent of, named after the family."""
    parent = await User.create(
        # A login of its own until the issuer gives it a readable one a moment later.
        login=f"parent-of-{student.id}-{temporary_passwords.new_nonce()[:8]}",
        last_name=student.last_name,
        first_name=PARENT_PLACEHOLDER,
    )
    await Guardianship.create(parent=parent, student=student)
    await RoleGrant.get_or_create(
        user_id=parent.id, role=Role.PARENT, school_id=school_id, region_id=None
    )
    return parent


async def _targets(
    school_class: SchoolClass, wanted: frozenset[Role], reissue_existing: bool, today: date
) -> list[tuple[User | None, User, Role]]:
    """Whom to issue for in the class `today`: (the account, or None for a parent account to
    make; the child of the sheet; the role), family by family, the child first."""
    students = await _current_students(school_class.id, today)
    if not students:
        raise InvalidInput("Nobody is enrolled in this class today.", field="classId")
    parents = await _parents([s.id for s in students]) if Role.PARENT in wanted else {}
    chosen: list[tuple[User | None, User, Role]] = []
    seen: set[int] = set()
    for student in students:
        if (
            Role.STUDENT in wanted
            and (reissue_existing or not _has_way_in(student))
            and not await _holds_more_than_a_family_role(student.id)
        ):
            chosen.append((student, student, Role.STUDENT))
        if Role.PARENT not in wanted:
            continue
        if not parents[student.id]:
            chosen.append((None, student, Role.PARENT))
        for parent in parents[student.id]:
            if not parent.is_active or (_has_way_in(parent) and not reissue_existing):
                continue
            # A parent of two children of the class gets one login, on the first sheet.
            if parent.id in seen or await _holds_more_than_a_family_role(parent.id):
                continue
            seen.add(parent.id)
            chosen.append((parent, student, Role.PARENT))
    return chosen


class LoginState(StrEnum):
    """Whether a student or parent of a class can sign in yet."""

    NONE = "none"  # no way in: a login is still to be issued
    ISSUED = "issued"  # a temporary password issued, not yet changed for one of their own
    ACTIVE = "active"  # a password of their own, or a portal identity


@dataclass(frozen=True)
class ClassAccount:
    """A student of a class or one of their parents, as the issuer of its logins sees them;
    `login` only once there is a way in, since before that it is nothing anyone types."""

    user: User
    role: Role
    student_id: int
    state: LoginState
    login: str | None


async def class_accounts(viewer: Viewer, class_id: int, today: date) -> list[ClassAccount]:
    """The students enrolled in the class `today` and their parents, family by family, the
    child first, with whether each can sign in: what the issuer of the class's logins needs
    to know whose login to issue or re-issue. NOT_FOUND for a class the viewer cannot see,
    FORBIDDEN for one they may not issue logins for."""
    school_class = await _class_for_issuer(viewer, class_id)
    students = await _current_students(school_class.id, today)
    parents = await _parents([s.id for s in students])

    def account(user: User, role: Role, student: User) -> ClassAccount:
        # A temporary password is a way in too, until it is changed for one of their own.
        if user.temporary_password_at is not None:
            state = LoginState.ISSUED
        elif _has_way_in(user):
            state = LoginState.ACTIVE
        else:
            state = LoginState.NONE
        login = None if state is LoginState.NONE else user.login
        return ClassAccount(user, role, student.id, state, login)

    found: list[ClassAccount] = []
    for student in students:
        found.append(account(student, Role.STUDENT, student))
        found += [
            account(parent, Role.PARENT, student)
            for parent in parents[student.id]
            if parent.is_active
        ]
    return found


async def _open_batch(
    viewer: Viewer, school_class: SchoolClass, secret_key: str, secrets: Sequence[_Secret]
) -> _Issuer:
    """A new batch of the class, issued by the viewer, its sheets printable for a while."""
    batch = await LoginBatch.create(
        school_class=school_class,
        issued_by_id=viewer.user_id,
        sheets_until=_now() + SHEETS_LIFETIME,
    )
    return _Issuer(viewer, batch, secret_key, secrets)


async def _issue_class_logins_once(
    viewer: Viewer,
    class_id: int,
    *,
    wanted: frozenset[Role],
    reissue_existing: bool,
    secret_key: str,
    secrets: Sequence[_Secret],
    today: date,
) -> tuple[IssuedBatch, tuple[SessionsEnded, ...]]:
    """One try of `issue_class_logins`."""
    async with in_transaction():
        # Asked again inside: the class, its members and the viewer's post may have changed.
        school_class = await _class_for_issuer(viewer, class_id)
        targets = await _targets(school_class, wanted, reissue_existing, today)
        issuer = await _open_batch(viewer, school_class, secret_key, secrets)
        for user, student, role in targets:
            if user is None:
                user = await _placeholder_parent(student, school_class.school_id)
            await issuer.give(user, student, role)
        return await issuer.finished(school_class)


async def issue_class_logins(
    viewer: Viewer,
    class_id: int,
    *,
    roles: Iterable[Role],
    reissue_existing: bool,
    secret_key: str,
    today: date,
) -> tuple[IssuedBatch, tuple[SessionsEnded, ...]]:
    """Logins and temporary passwords for the students enrolled in the class `today` and
    their parents (by `roles`), in one transaction. People who already have a way in are
    left alone unless `reissue_existing`. Returns the batch, with the passwords, and the
    ended sessions to announce after the commit."""
    wanted = frozenset(roles)
    if not wanted or not wanted <= ISSUED_ROLES:
        raise InvalidInput("Issue logins for students, parents or both.", field="roles")
    # Who is to be issued, read first, so that the passwords are hashed before the writes.
    school_class = await _class_for_issuer(viewer, class_id)
    count = len(await _targets(school_class, wanted, reissue_existing, today))
    secrets = await _new_secrets(secret_key, count)
    return await _retrying(
        lambda: _issue_class_logins_once(
            viewer,
            class_id,
            wanted=wanted,
            reissue_existing=reissue_existing,
            secret_key=secret_key,
            secrets=secrets,
            today=today,
        )
    )


async def _retrying(
    work: Callable[[], Awaitable[tuple[IssuedBatch, tuple[SessionsEnded, ...]]]],
) -> tuple[IssuedBatch, tuple[SessionsEnded, ...]]:
    """Run `work` (one transaction) again when another issue took one of its new logins at
    the same moment: the unique login refused it and rolled it back whole."""
    for _ in range(ATTEMPTS - 1):
        try:
            return await work()
        except IntegrityError:
            continue
    return await work()


async def _family_class(viewer: Viewer, user: User, today: date) -> tuple[SchoolClass, User, Role]:
    """The class through which the viewer may re-issue `user`'s login, the child of the
    sheet and the role; NotFound when there is none (or the viewer may not see it)."""
    own = await Enrollment.filter(enrolled_over(today), student_id=user.id).select_related(
        "school_class"
    )
    candidates: list[tuple[SchoolClass, User, Role]] = [
        (row.school_class, user, Role.STUDENT) for row in own
    ]
    wards = await Guardianship.filter(parent_id=user.id).select_related("student")
    if wards:
        ward_rows = await Enrollment.filter(
            enrolled_over(today), student_id__in=[w.student_id for w in wards]
        ).select_related("school_class", "student")
        candidates += [(row.school_class, row.student, Role.PARENT) for row in ward_rows]
    for school_class, student, role in sorted(candidates, key=lambda c: (c[1].id, c[0].id)):
        if may_issue_logins(viewer, school_class.id, school_class.school_id):
            return school_class, student, role
    raise NotFound()


async def _reissue_login_once(
    viewer: Viewer, user_id: int, *, secret_key: str, secret: _Secret, today: date
) -> tuple[IssuedBatch, tuple[SessionsEnded, ...]]:
    """One try of `reissue_login`."""
    if not viewer.is_authenticated:
        raise Unauthenticated()
    async with in_transaction():
        user = await User.get_or_none(id=user_id, is_active=True)
        if user is None:
            raise NotFound()
        school_class, student, role = await _family_class(viewer, user, today)
        await _ensure_family_only(user.id)
        issuer = await _open_batch(viewer, school_class, secret_key, [secret])
        await issuer.give(user, student, role)
        return await issuer.finished(school_class)


async def reissue_login(
    viewer: Viewer, user_id: int, *, secret_key: str, today: date
) -> tuple[IssuedBatch, tuple[SessionsEnded, ...]]:
    """A new temporary password for one student or parent of a class the viewer may issue
    logins for: the old password and every session of the account end at once. Anyone else
    is NOT_FOUND, as if there were no such account; a parent who is also a member of staff
    is FORBIDDEN (see `_holds_more_than_a_family_role`)."""
    if not viewer.is_authenticated:
        raise Unauthenticated()
    # Checked before the password is hashed, so that a refused request costs no hashing.
    user = await User.get_or_none(id=user_id, is_active=True)
    if user is None:
        raise NotFound()
    await _family_class(viewer, user, today)
    await _ensure_family_only(user.id)
    secret = await asyncio.to_thread(_new_secret, secret_key)
    return await _retrying(
        lambda: _reissue_login_once(
            viewer, user_id, secret_key=secret_key, secret=secret, today=today
        )
    )


async def login_sheets(
    viewer: Viewer, batch_id: int, *, secret_key: str, student_id: int | None = None
) -> list[Family]:
    """The sheets of a batch, one per family (only `student_id`'s when given), for its
    issuer and whoever may issue logins for its class, while they may be printed; after
    that LoginSheetsExpired, and the nonces are wiped for good."""
    if not viewer.is_authenticated:
        raise Unauthenticated()
    batch = await LoginBatch.get_or_none(id=batch_id).select_related("school_class")
    if batch is None:
        raise NotFound()
    school_class: SchoolClass = batch.school_class
    issuer = batch.issued_by_id == viewer.user_id
    if not issuer and not may_issue_logins(viewer, school_class.id, school_class.school_id):
        raise NotFound()
    if _now() >= batch.sheets_until:
        await IssuedLogin.filter(batch_id=batch.id).exclude(nonce="").update(nonce="")
        raise LoginSheetsExpired()
    rows = IssuedLogin.filter(batch_id=batch.id, superseded_at=None).exclude(nonce="")
    if student_id is not None:
        rows = rows.filter(student_id=student_id)
    found = await rows.select_related("user", "student").order_by("id")
    if student_id is not None and not found:
        raise NotFound()
    school = await School.get(id=school_class.school_id)
    families: dict[int, list[IssuedLogin]] = {}
    for row in found:
        families.setdefault(row.student_id, []).append(row)
    sheets = []
    for rows_of in families.values():
        child: User = rows_of[0].student
        # The child's own login first, then the parents'.
        ordered = sorted(rows_of, key=lambda r: (r.role is not Role.STUDENT, r.id))
        sheets.append(
            Family(
                student_name=child.full_name,
                class_name=school_class.name,
                school_name=school.name,
                logins=tuple(
                    IssuedPerson(
                        user_id=r.user_id,
                        student_id=r.student_id,
                        full_name=r.user.full_name,
                        role=r.role,
                        login=r.login,
                        password=temporary_passwords.derive(secret_key, r.nonce),
                    )
                    for r in ordered
                ),
            )
        )
    return sorted(sheets, key=lambda f: f.student_name)


async def wipe_expired_sheets(now: datetime) -> int:
    """Forget the nonces of every batch whose sheets can no longer be printed (housekeeping);
    how many logins were concerned."""
    expired = LoginBatch.filter(sheets_until__lte=now).values_list("id", flat=True)
    ids = list(await expired)
    if not ids:
        return 0
    return await IssuedLogin.filter(batch_id__in=ids).exclude(nonce="").update(nonce="")
