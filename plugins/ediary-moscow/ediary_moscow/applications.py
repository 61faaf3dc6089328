"""The "Electronic student diary" service: a parent files an application for a child, the
school's administration approves it (the child is linked) or refuses it with a reason.

Filing looks nobody up: whatever SNILS a parent enters, the answer is the same accepted
application, so the service cannot be used to learn whether a child is enrolled anywhere.
The school matches the child data to its own students when it reviews the application."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.transactions import in_transaction

from ediary.domain.access import (
    Viewer,
    may_file_diary_application,
    may_review_diary_applications,
)
from ediary.domain.errors import Forbidden, InvalidInput, NotFound
from ediary.domain.identity import InvalidSnils, normalize_snils
from ediary.domain.models import School, User
from ediary_moscow.accounts import enrolled_at, link_child
from ediary_moscow.errors import ApplicationClosed, ApplicationPending, ChildNotEnrolled
from ediary_moscow.models import (
    ApplicationStatus,
    DiaryApplication,
    DocumentKind,
    RefusalReason,
)
from ediary_moscow.settings import MoscowSettings
from ediary_moscow.workdays import add_working_days

# The access rule's action (`access_allowed` in the plugin): who may read an application.
READ_APPLICATION = "moscow.read_application"


@dataclass(frozen=True)
class ChildData:
    last_name: str
    first_name: str
    middle_name: str
    birth_date: date
    snils: str


@dataclass(frozen=True)
class Document:
    kind: DocumentKind
    series: str
    number: str
    issued_on: date
    issued_by: str


async def file_application(
    viewer: Viewer,
    config: MoscowSettings,
    school_id: int,
    child: ChildData,
    document: Document,
    consent_given: bool,
    consent_version: str,
    today: date,
) -> DiaryApplication:
    if not may_file_diary_application(viewer) or viewer.user_id is None:
        raise Forbidden("Only a parent can file an application.")
    if not consent_given:
        raise InvalidInput("Consent to personal data processing is required.", field="consent")
    if consent_version != config.consent_version:
        raise InvalidInput(
            f"Accept the current consent text (version {config.consent_version}).",
            field="consent",
        )
    try:
        child_snils = normalize_snils(child.snils)
    except InvalidSnils as error:
        raise InvalidInput(error.message, field="child.snils") from None
    if not child.last_name.strip() or not child.first_name.strip():
        raise InvalidInput("Enter the child's last and first name.", field="child")
    if not document.number.strip():
        raise InvalidInput("Enter the document number.", field="document.number")
    if await School.get_or_none(id=school_id) is None:
        raise NotFound()
    # Only the parent's own applications are consulted: that tells them nothing new.
    if await DiaryApplication.filter(
        parent_id=viewer.user_id,
        school_id=school_id,
        child_snils=child_snils,
        status=ApplicationStatus.SUBMITTED,
    ).exists():
        raise ApplicationPending()
    now = datetime.now(UTC)
    return await DiaryApplication.create(
        parent_id=viewer.user_id,
        school_id=school_id,
        student_id=None,
        child_last_name=child.last_name.strip(),
        child_first_name=child.first_name.strip(),
        child_middle_name=child.middle_name.strip(),
        child_birth_date=child.birth_date,
        child_snils=child_snils,
        document_kind=document.kind,
        document_series=document.series.strip(),
        document_number=document.number.strip(),
        document_issued_on=document.issued_on,
        document_issued_by=document.issued_by.strip(),
        consent_by_id=viewer.user_id,
        consent_at=now,
        consent_version=consent_version,
        due_on=add_working_days(today, config.review_days, config.holidays),
    )


async def _for_review(viewer: Viewer, application_id: int) -> DiaryApplication:
    application = await DiaryApplication.get_or_none(id=application_id)
    if application is None or not may_review_diary_applications(viewer, application.school_id):
        raise NotFound()
    if application.status != ApplicationStatus.SUBMITTED:
        raise ApplicationClosed()
    return application


async def approve(viewer: Viewer, application_id: int, today: date) -> DiaryApplication:
    async with in_transaction():
        application = await _for_review(viewer, application_id)
        parent = await User.get(id=application.parent_id)
        # The school looks the child up among its own students only.
        student = await enrolled_at(application.child_snils, application.school_id, today)
        if student is None or student.id == parent.id:
            raise ChildNotEnrolled()
        await link_child(parent, student, application.school_id)
        application.student_id = student.id
        application.status = ApplicationStatus.APPROVED
        application.reviewed_at = datetime.now(UTC)
        application.reviewed_by_id = viewer.user_id
        await application.save()
    return application


async def refuse(
    viewer: Viewer, application_id: int, reason: RefusalReason, comment: str
) -> DiaryApplication:
    if reason is RefusalReason.OTHER and not comment.strip():
        raise InvalidInput("Say why the application is refused.", field="comment")
    async with in_transaction():
        application = await _for_review(viewer, application_id)
        application.status = ApplicationStatus.REFUSED
        application.refusal_reason = reason
        application.refusal_comment = comment.strip()
        application.reviewed_at = datetime.now(UTC)
        application.reviewed_by_id = viewer.user_id
        await application.save()
    return application


async def my_applications(viewer: Viewer) -> list[DiaryApplication]:
    if not viewer.is_authenticated:
        return []
    return await DiaryApplication.filter(parent_id=viewer.user_id).order_by("-filed_at", "-id")


def is_overdue(application: DiaryApplication, today: date) -> bool:
    """Still under review after its deadline (the school's three working days)."""
    return application.status == ApplicationStatus.SUBMITTED and application.due_on < today


async def school_applications(
    viewer: Viewer, school_id: int, *, overdue_only: bool, today: date
) -> list[DiaryApplication]:
    """Applications to a school, oldest first; overdue: still under review past the deadline."""
    if not may_review_diary_applications(viewer, school_id):
        raise Forbidden("Only the school's administration reviews its applications.")
    query = DiaryApplication.filter(school_id=school_id)
    found = await query.order_by("filed_at", "id")
    return [a for a in found if is_overdue(a, today)] if overdue_only else found
