"""Issuing access codes for a class, and reading batches back for download and print.

Who may do it is the core access policy's decision (`may_issue_access_codes`): the class
teacher of the class and the administration of its school.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from ediary.domain import tokens
from ediary.domain.access import Viewer, may_issue_access_codes, may_see_class
from ediary.domain.errors import Forbidden, InvalidInput, NotFound, Unauthenticated
from ediary.domain.models import Enrollment, SchoolClass, User
from ediary.domain.placements import enrolled_over
from ediary_dnevnik import codes
from ediary_dnevnik.flow import Env, Outbox, run
from ediary_dnevnik.models import AccessCode, AccessCodeBatch, CodeRole

PURPOSE = "dnevnik.access_code"
MAX_PARENTS_PER_STUDENT = 4
MAX_VALID_DAYS = 90


@dataclass(frozen=True)
class IssuedCode:
    """A code as its issuer sees it; `code` is None if the server secret changed since."""

    id: int
    student_id: int
    student_name: str
    role: CodeRole
    code: str | None
    expires_at: datetime
    used: bool


@dataclass(frozen=True)
class Batch:
    id: int
    class_id: int
    class_name: str
    school_id: int
    created_at: datetime
    expires_at: datetime
    codes: tuple[IssuedCode, ...]


async def _class_for_issuer(viewer: Viewer, class_id: int) -> SchoolClass:
    if not viewer.is_authenticated:
        raise Unauthenticated()
    found = await SchoolClass.get_or_none(id=class_id)
    if found is None or not may_see_class(viewer, found.id, found.school_id):
        raise NotFound()
    if not may_issue_access_codes(viewer, found.id, found.school_id):
        raise Forbidden("Only the class teacher and the school administration issue codes.")
    return found


async def _current_students(class_id: int, today: date) -> list[User]:
    rows = await Enrollment.filter(enrolled_over(today), school_class_id=class_id).select_related(
        "student"
    )
    students = {row.student_id: row.student for row in rows}
    return sorted(students.values(), key=lambda s: (s.full_name, s.id))


async def issue_batch(
    env: Env,
    viewer: Viewer,
    class_id: int,
    *,
    parents_per_student: int,
    for_students: bool,
    valid_days: int,
    today: date,
) -> Batch:
    """Codes for every student enrolled in the class `today`: one for the student if asked,
    and `parents_per_student` for their parents."""
    if not 0 <= parents_per_student <= MAX_PARENTS_PER_STUDENT:
        raise InvalidInput(
            f"Between 0 and {MAX_PARENTS_PER_STUDENT} parent codes per student.",
            field="parentsPerStudent",
        )
    if not 1 <= valid_days <= MAX_VALID_DAYS:
        raise InvalidInput(f"Codes are valid for 1 to {MAX_VALID_DAYS} days.", field="validDays")
    if parents_per_student == 0 and not for_students:
        raise InvalidInput("Ask for parent codes, student codes or both.", field="forStudents")

    async def work(outbox: Outbox) -> int:
        school_class = await _class_for_issuer(viewer, class_id)
        students = await _current_students(school_class.id, today)
        if not students:
            raise InvalidInput("Nobody is enrolled in this class today.", field="classId")
        lifetime = timedelta(days=valid_days)
        batch = await AccessCodeBatch.create(
            school_class=school_class,
            issued_by_id=viewer.user_id,
            expires_at=datetime.now(UTC) + lifetime,
        )
        roles = [CodeRole.STUDENT] * for_students + [CodeRole.PARENT] * parents_per_student
        for student in students:
            for role in roles:
                nonce = codes.new_nonce()
                _, token = await tokens.issue(
                    PURPOSE, lifetime, secret=codes.derive(env.settings.secret_key, nonce)
                )
                await AccessCode.create(
                    batch=batch, student=student, role=role, token=token, nonce=nonce
                )
        return batch.id

    batch_id = await run("issue access codes", env, (), work)
    return await load_batch(viewer, env.settings.secret_key, batch_id)


async def _batches(secret_key: str, found: Iterable[AccessCodeBatch]) -> list[Batch]:
    batches = list(found)
    rows = await AccessCode.filter(batch_id__in=[b.id for b in batches]).select_related(
        "token", "student"
    )
    by_batch: dict[int, list[IssuedCode]] = {b.id: [] for b in batches}

    def order(row: AccessCode) -> tuple[str, int, bool, int]:
        # By student; the student's own code before the parents' codes.
        return (row.student.full_name, row.student_id, row.role is CodeRole.PARENT, row.id)

    for row in sorted(rows, key=order):
        code = codes.derive(secret_key, row.nonce)
        # After a change of the server secret the derived code no longer matches.
        reproducible = tokens.digest(PURPOSE, code) == row.token.token_hash
        by_batch[row.batch_id].append(
            IssuedCode(
                id=row.id,
                student_id=row.student_id,
                student_name=row.student.full_name,
                role=row.role,
                code=code if reproducible else None,
                expires_at=row.token.expires_at,
                used=row.token.used_at is not None,
            )
        )
    return [
        Batch(
            id=b.id,
            class_id=b.school_class_id,
            class_name=b.school_class.name,
            school_id=b.school_class.school_id,
            created_at=b.created_at,
            expires_at=b.expires_at,
            codes=tuple(by_batch[b.id]),
        )
        for b in batches
    ]


async def load_batch(viewer: Viewer, secret_key: str, batch_id: int) -> Batch:
    """A batch with its codes, for those who may issue codes for its class."""
    found = await AccessCodeBatch.get_or_none(id=batch_id).select_related("school_class")
    if found is None:
        raise NotFound()
    await _class_for_issuer(viewer, found.school_class_id)
    return (await _batches(secret_key, [found]))[0]


async def class_batches(viewer: Viewer, secret_key: str, class_id: int) -> list[Batch]:
    """Every batch issued for a class, newest first."""
    await _class_for_issuer(viewer, class_id)
    found = (
        await AccessCodeBatch.filter(school_class_id=class_id)
        .select_related("school_class")
        .order_by("-created_at", "-id")
    )
    return await _batches(secret_key, found)
