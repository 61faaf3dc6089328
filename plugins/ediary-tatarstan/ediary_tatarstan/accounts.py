"""The diary's side of a portal login: the account of the person's SNILS (a parent account on
the first login), and their children linked where the region's schools have them enrolled."""

from __future__ import annotations

from datetime import date

from tortoise.transactions import in_transaction

from ediary.adapters import LoginNotice
from ediary.domain.enums import Role
from ediary.domain.models import Enrollment, Guardianship, RoleGrant, User
from ediary.domain.placements import enrolled_over
from ediary_tatarstan.errors import PortalLoginFailed
from ediary_tatarstan.portal import Child, Person

CHILD_NOT_FOUND = "TATARSTAN_CHILD_NOT_FOUND"
CHILD_UNREADABLE = "TATARSTAN_CHILD_UNREADABLE"


async def _enrolled(child: Child, region: str, today: date) -> tuple[User, int] | None:
    """The student with the child's SNILS enrolled today at a school of the region, and that
    school."""
    enrollment = (
        await Enrollment.filter(
            enrolled_over(today),
            student__snils=child.snils,
            student__is_active=True,
            school_class__school__region__code=region,
        )
        .select_related("student", "school_class")
        .first()
    )
    if enrollment is None:
        return None
    return enrollment.student, enrollment.school_class.school_id


def _not_found(child: Child) -> LoginNotice:
    return LoginNotice(
        code=CHILD_NOT_FOUND,
        message=(
            f"The portal lists {child.first_name} {child.last_name} (class {child.class_name}), "
            "whom the diary does not find among the region's students. Ask the school to check "
            "the child's SNILS in the class list."
        ),
    )


async def sign_in(person: Person, region: str, today: date) -> tuple[User, list[LoginNotice]]:
    """The person's account, created as a parent's on the first login, with the children the
    portal lists linked; a notice for each child the diary cannot link."""
    notices: list[LoginNotice] = []
    found: list[tuple[User, int]] = []
    for child in person.children:
        enrolled = await _enrolled(child, region, today)
        if enrolled is None:
            notices.append(_not_found(child))
        else:
            found.append(enrolled)
    if person.unreadable_children:
        notices.append(
            LoginNotice(
                code=CHILD_UNREADABLE,
                message=(
                    f"The portal lists {len(person.unreadable_children)} more children in a form "
                    "the diary cannot read; they are not linked. Check them on edu.tatar.ru."
                ),
            )
        )
    async with in_transaction():
        user = await User.get_or_none(snils=person.snils)
        if user is None:
            user = await User.create(
                login=f"snils-{person.snils}",
                last_name=person.last_name,
                first_name=person.first_name,
                middle_name=person.middle_name or "",
                snils=person.snils,
            )
        elif not user.is_active:
            raise PortalLoginFailed("This account is blocked. Ask the school.")
        for student, school_id in found:
            if student.id != user.id:
                await Guardianship.get_or_create(parent=user, student=student)
                await RoleGrant.get_or_create(user=user, role=Role.PARENT, school_id=school_id)
    return user, notices
