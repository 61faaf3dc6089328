"""Finishing a portal login: the person by SNILS, a parent account on first login, children
linked from the provider's children data when they match enrolled students by SNILS."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from ediary.domain.enums import Role
from ediary.domain.identity import InvalidSnils, is_valid_snils, normalize_snils
from ediary.domain.models import Enrollment, Guardianship, RoleGrant, User
from ediary_moscow.errors import LoginFailed


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
            Q(ends_on__isnull=True) | Q(ends_on__gte=today),
            student__snils=snils,
            student__is_active=True,
            school_class__school_id=school_id,
            starts_on__lte=today,
        )
        .select_related("student")
        .first()
    )
    return enrollment.student if enrollment is not None else None


async def link_child(parent: User, student: User, school_id: int) -> None:
    """Guardianship and the parent's role at the child's school, once."""
    await Guardianship.get_or_create(parent=parent, student=student)
    await RoleGrant.get_or_create(user=parent, role=Role.PARENT, school_id=school_id)


async def sign_in(claims: dict[str, Any], snils: str, children: list[str]) -> User:
    """The parent account for a SNILS, created on first login, with the children linked."""
    found = await enrolled_students(children, date.today())
    async with in_transaction():
        user = await User.get_or_none(snils=snils)
        if user is None:
            user = await User.create(
                login=f"snils-{snils}",
                last_name=str(claims.get("family_name") or claims.get("lastName") or "-"),
                first_name=str(claims.get("given_name") or claims.get("firstName") or "-"),
                middle_name=str(claims.get("middle_name") or claims.get("middleName") or ""),
                snils=snils,
            )
            await RoleGrant.create(user=user, role=Role.PARENT)
        elif not user.is_active:
            raise LoginFailed("This account is blocked. Ask the school.")
        for student, school_id in found.values():
            if student.id != user.id:
                await link_child(user, student, school_id)
    return user
