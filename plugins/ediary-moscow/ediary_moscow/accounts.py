"""Finishing a portal login: the person by SNILS, a parent account on first login, children
linked from the provider's children data when they match enrolled students by SNILS, and
unlinked when the provider stops listing a child it had linked."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from ediary.adapters.lifecycle import Lifecycle
from ediary.domain.enums import Role
from ediary.domain.identity import InvalidSnils, is_valid_snils, normalize_snils
from ediary.domain.models import Enrollment, Guardianship, RoleGrant, User
from ediary.domain.placements import enrolled_over
from ediary_moscow import links
from ediary_moscow.errors import LoginFailed
from ediary_moscow.models import PortalIdentity, PortalLink


def person_snils(claims: dict[str, Any], claim: str) -> str:
    raw = claims.get(claim)
    if not raw:
        raise LoginFailed(
            "The portal did not share your SNILS. Add it to your portal profile, allow access "
            "to it, and log in again."
        )
    try:
        return normalize_snils(str(raw))
    except InvalidSnils:
        raise LoginFailed(
            "The SNILS in your portal profile is not valid (check sum). Correct it on the "
            "portal and log in again."
        ) from None


def children_snils(items: Iterable[Any]) -> list[str]:
    """Valid SNILS of the children the provider lists; invalid ones are skipped."""
    found = []
    for item in items or ():
        raw = item.get("snils") if isinstance(item, dict) else item
        if raw and is_valid_snils(str(raw)):
            found.append(normalize_snils(str(raw)))
    return found


async def enrolled_students(snils_list: list[str], today: date) -> dict[str, tuple[User, int]]:
    """Students with these SNILS enrolled today, with their school."""
    if not snils_list:
        return {}
    students = {u.id: u for u in await User.filter(snils__in=snils_list, is_active=True)}
    rows = await Enrollment.filter(student_id__in=list(students), starts_on__lte=today).values(
        "student_id", "ends_on", "school_class__school_id"
    )
    found = {}
    for row in rows:
        if row["ends_on"] is None or row["ends_on"] >= today:
            student = students[row["student_id"]]
            found[str(student.snils)] = (student, row["school_class__school_id"])
    return found


async def enrolled_at(snils: str, school_id: int, today: date) -> User | None:
    """The student with this SNILS enrolled today at this school, or None. The lookup is
    made within one school, for the administration that reviews it: whether the child
    studies anywhere else is not asked, so not told."""
    enrollment = (
        await Enrollment.filter(
            enrolled_over(today),
            student__snils=snils,
            student__is_active=True,
            school_class__school_id=school_id,
        )
        .select_related("student")
        .first()
    )
    return enrollment.student if enrollment is not None else None


async def link_child(parent: User, student: User, school_id: int) -> bool:
    """Guardianship and the parent's role at the child's school, once; whether the
    guardianship is new."""
    _, created = await Guardianship.get_or_create(parent=parent, student=student)
    await RoleGrant.get_or_create(user=parent, role=Role.PARENT, school_id=school_id)
    return created


async def unlink_dropped(parent_id: int, listed: list[str], lifecycle: Lifecycle) -> None:
    """End the links the portal made to children it no longer lists (by SNILS)."""
    rows: list[Any] = list(
        await PortalLink.filter(parent_id=parent_id)
        .exclude(student__snils__in=listed or [""])
        .values_list("student_id", flat=True)
    )
    dropped = [int(student_id) for student_id in rows]
    for student_id in dropped:
        await lifecycle.end_guardianship(parent_id, student_id)
    # A link ended some other way leaves its row behind when the hook did not run.
    await PortalLink.filter(parent_id=parent_id, student_id__in=dropped or [0]).delete()


async def _account_of(person: links.PortalPerson) -> User | None:
    """The account the portal login opens: the one its subject was linked to, else the one
    with its SNILS (the portal made it before subjects were kept, or the school recorded
    the SNILS), which then keeps the subject."""
    identity = await PortalIdentity.get_or_none(subject=person.subject).select_related("user")
    if identity is not None:
        return identity.user
    user = await User.get_or_none(snils=person.snils)
    if user is not None and user.is_active:
        await links.record_at_login(user, person)
    return user


async def sign_in(
    claims: dict[str, Any], snils: str, children: list[str] | None, lifecycle: Lifecycle
) -> User:
    """The account of the portal login (its subject, else its SNILS), a parent account
    created on first login, with the children linked.

    `children` are the SNILS the portal lists (None when it did not share the list: then
    nothing is unlinked); a child the portal linked before and lists no more is unlinked
    through `lifecycle`, so plugins' `guardianship_ended` hooks run."""
    found = await enrolled_students(children or [], lifecycle.settings.school_today())
    async with in_transaction():
        person = links.PortalPerson(subject=str(claims["sub"]), snils=snils)
        user = await _account_of(person)
        if user is None:
            user = await User.create(
                login=f"snils-{snils}",
                last_name=str(claims.get("family_name") or claims.get("lastName") or "-"),
                first_name=str(claims.get("given_name") or claims.get("firstName") or "-"),
                middle_name=str(claims.get("middle_name") or claims.get("middleName") or ""),
                snils=snils,
            )
            await RoleGrant.create(user=user, role=Role.PARENT)
            await links.record_at_login(user, person)
        elif not user.is_active:
            raise LoginFailed("This account is blocked. Ask the school.")
        for student, school_id in found.values():
            if student.id != user.id and await link_child(user, student, school_id):
                await PortalLink.create(parent=user, student=student)
        if children is not None:
            await unlink_dropped(user.id, children, lifecycle)
    return user
