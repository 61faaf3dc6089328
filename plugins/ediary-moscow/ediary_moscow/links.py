"""One person, one account, several ways in: the portal login beside the login and password
the school issued.

A parent who logs in through the portal first gets an account of their own; entering the
school's login and password moves the portal login onto the school's account and retires the
empty one (MRKO's "Account" entry). A parent with a password account adds the portal from
it (Dnevnik.ru through State Services). Every link and unlink goes into the account's
history, in the transaction that makes it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise import Tortoise
from tortoise.transactions import in_transaction

from ediary.domain import account_history, auth
from ediary.domain.enums import AccountEventKind, Role
from ediary.domain.models import AccountEvent, Guardianship, RoleGrant, Session, User
from ediary.domain.session_end import EndReason, SessionsEnded, end_sessions
from ediary_moscow.errors import (
    AlreadyLinked,
    LastWayIn,
    PortalAccountHasData,
    PortalNotLinked,
    SameAccount,
    SnilsMismatch,
)
from ediary_moscow.models import PortalIdentity, PortalLink

# The portal's login flow id, as clients know it from `loginFlows`; the account history
# names it as the method linked or unlinked.
PORTAL_FLOW_ID = "moscow-portal"
METHOD = PORTAL_FLOW_ID


@dataclass(frozen=True)
class PortalPerson:
    """Who the portal says logged in: its subject, and the SNILS it vouches for."""

    subject: str
    snils: str


@dataclass(frozen=True)
class LoginMethods:
    """The ways into one account."""

    login: str
    has_password: bool
    portal: PortalIdentity | None


@dataclass(frozen=True)
class SchoolAccountLinked:
    """The school's account the portal login now opens, and the retired account's ended
    sessions, to announce once committed."""

    user: User
    ended: tuple[SessionsEnded, ...]


def mask_snils(snils: str) -> str:
    """A SNILS as its owner recognises it without showing it: the last digits and check sum."""
    return f"***-***-*{snils[7:9]} {snils[9:11]}" if len(snils) == 11 else "***"


async def login_methods(user_id: int) -> LoginMethods:
    user = await User.get(id=user_id)
    portal = await PortalIdentity.get_or_none(user_id=user_id)
    return LoginMethods(login=user.login, has_password=bool(user.password_hash), portal=portal)


async def _record(user_id: int, kind: AccountEventKind) -> None:
    await account_history.record(user_id, kind, actor_id=user_id, method=METHOD)


async def record_at_login(user: User, person: PortalPerson) -> None:
    """At a portal login into an account found by its SNILS (made by the portal before
    subjects were kept, or given the SNILS by the school): keep the subject, so the next
    login finds the account by it; the owner sees the new way in in the history. An account
    that keeps another subject keeps it."""
    if await PortalIdentity.filter(user_id=user.id).exists():
        return
    if await PortalIdentity.filter(subject=person.subject).exists():
        return
    await PortalIdentity.create(user=user, subject=person.subject, snils=person.snils)
    await _record(user.id, AccountEventKind.LOGIN_METHOD_LINKED)


# What an account the portal made holds from the start, which retiring it may drop.
_DISPOSABLE = (Session, AccountEvent, PortalIdentity, PortalLink)


async def holds_data(user_id: int) -> bool:
    """Whether anything but the portal's own making refers to the account: children linked
    otherwise than from the portal's list, applications, messages, a role other than parent,
    a password. Every table of every app is asked, so a plugin's new table counts without
    being listed here."""
    user = await User.get(id=user_id)
    if user.password_hash:
        return True
    listed = await _listed_children(user_id)
    for models in Tortoise.apps.values():
        for model in models.values():
            if model in _DISPOSABLE:
                continue
            meta = model._meta
            for name in (*meta.fk_fields, *meta.o2o_fields):
                field = meta.fields_map[name]
                if field.related_model is not User:
                    continue
                query = model.filter(**{field.source_field: user_id})
                if model is RoleGrant:
                    query = query.exclude(role=Role.PARENT)
                if model is Guardianship and name == "parent" and listed:
                    query = query.exclude(student_id__in=listed)
                if await query.exists():
                    return True
    return False


async def _listed_children(user_id: int) -> list[int]:
    """Children linked to the account because the portal listed them."""
    found: list[Any] = list(
        await PortalLink.filter(parent_id=user_id).values_list("student_id", flat=True)
    )
    return [int(student_id) for student_id in found]


async def _move_listed_children(from_id: int, to_id: int) -> None:
    """Give the school's account the children the portal listed to the retired one, with
    the parent's role at their schools. A child the school had linked already stays the
    school's link; the others stay the portal's, so its list can end them later."""
    for student_id in await _listed_children(from_id):
        _, created = await Guardianship.get_or_create(parent_id=to_id, student_id=student_id)
        if created:
            await PortalLink.create(parent_id=to_id, student_id=student_id)
    schools = await RoleGrant.filter(user_id=from_id, role=Role.PARENT).values_list(
        "school_id", flat=True
    )
    for school_id in set(schools):
        await RoleGrant.get_or_create(user_id=to_id, role=Role.PARENT, school_id=school_id)


async def _check_snils(user: User, snils: str) -> None:
    """The portal vouches for a person by their SNILS, and the account must be that
    person's. A pupil's account takes a portal login only when the school recorded the
    pupil's SNILS: a parent holding the child's login and password would otherwise give the
    child's account the parent's SNILS, and their portal login with it."""
    if user.snils is None:
        if await RoleGrant.filter(user_id=user.id, role=Role.STUDENT).exists():
            raise SnilsMismatch(
                "The school has not recorded the SNILS of this pupil's account, so no portal "
                "login can be linked to it. Ask the school to record it."
            )
        return
    if user.snils != snils:
        raise SnilsMismatch()


async def link_school_account(
    viewer_id: int, login: str, password: str, address: str, limits: auth.LoginLimits
) -> SchoolAccountLinked:
    """Move the viewer's portal login onto the account of `login` and `password`, and retire
    the viewer's account, which the portal made and which holds nothing of its own: the
    children the portal listed move with the portal login.

    The password is checked first, with the login's own counters and its one error for
    every mismatch, so nothing else is told to someone without it; the attempt counts
    outside the transaction, which a refusal rolls back."""
    if not await PortalIdentity.filter(user_id=viewer_id).exists():
        raise PortalNotLinked(
            "Log in through the portal first, then enter the login and password from the school."
        )
    target = await auth.authenticate(login, password, address, limits)
    if target.id == viewer_id:
        raise SameAccount()
    async with in_transaction():
        identity = await PortalIdentity.select_for_update().get_or_none(user_id=viewer_id)
        if identity is None:
            raise PortalNotLinked()
        if await PortalIdentity.filter(user_id=target.id).exists():
            raise AlreadyLinked(
                "The account of this login already has a portal login. Unlink it there first."
            )
        await _check_snils(target, identity.snils)
        if await holds_data(viewer_id):
            raise PortalAccountHasData()
        ended = await end_sessions(EndReason.DEACTIVATED, user_ids=[viewer_id])
        await _move_listed_children(viewer_id, target.id)
        # The retired account goes first: its SNILS is unique, and the school's takes it.
        await PortalIdentity.filter(id=identity.id).update(
            user_id=target.id, linked_at=datetime.now(UTC)
        )
        await User.filter(id=viewer_id).delete()
        if target.snils is None:
            await User.filter(id=target.id).update(snils=identity.snils)
            target.snils = identity.snils
        if target.temporary_password_at is not None:
            # The password from the school's sheet has done its one job: left working, the
            # paper would open the account for whoever finds it. The portal is the way in.
            await User.filter(id=target.id).update(password_hash="", temporary_password_at=None)
        await _record(target.id, AccountEventKind.LOGIN_METHOD_LINKED)
    return SchoolAccountLinked(target, ended)


async def link_portal(user_id: int, person: PortalPerson) -> None:
    """Add the portal login to the account a signed-in session started the link from."""
    async with in_transaction():
        user = await User.select_for_update().get(id=user_id)
        if await PortalIdentity.filter(user_id=user_id).exists():
            raise AlreadyLinked("This account already has a portal login.")
        taken = await PortalIdentity.filter(subject=person.subject).exists()
        # An account with this SNILS is the one the portal logs into already.
        if taken or await User.filter(snils=person.snils).exclude(id=user_id).exists():
            raise AlreadyLinked()
        await _check_snils(user, person.snils)
        await PortalIdentity.create(user_id=user_id, subject=person.subject, snils=person.snils)
        if user.snils is None:
            await User.filter(id=user_id).update(snils=person.snils)
        await _record(user_id, AccountEventKind.LOGIN_METHOD_LINKED)


async def unlink_portal(user_id: int) -> None:
    """Remove the portal login of the account; its password stays the way in."""
    async with in_transaction():
        user = await User.select_for_update().get(id=user_id)
        identity = await PortalIdentity.get_or_none(user_id=user_id)
        if identity is None:
            raise PortalNotLinked()
        if not user.password_hash:
            raise LastWayIn()
        await identity.delete()
        # The portal finds accounts by SNILS too: the SNILS it vouched for leaves with it,
        # or the next portal login would open the account again. A student's stays, since
        # schools match children by it.
        is_student = await RoleGrant.filter(user_id=user_id, role=Role.STUDENT).exists()
        if user.snils == identity.snils and not is_student:
            await User.filter(id=user_id).update(snils=None)
        await _record(user_id, AccountEventKind.LOGIN_METHOD_UNLINKED)


async def ensure_can_start(user_id: int) -> None:
    """Refuse to start a link the callback would refuse anyway: the account has a portal."""
    if await PortalIdentity.filter(user_id=user_id).exists():
        raise AlreadyLinked("This account already has a portal login.")
