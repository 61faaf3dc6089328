"""The class teacher's remark on a student for a term, as the term report card prints it.

A remark belongs to the card: the student, the term, and the class the student was in (last)
during the term, the class the card is printed for. Its class teacher and the school's
administration write it; one per student and term, written over, and removed by writing an
empty text. It is read where the card is read: by the student, their parents, the class
teacher and the administration. A subject teacher sees only their subjects of a card, and a
health worker no marks at all, so neither reads it. Like the term marks on the card, a
parent's window (`parent_lookback_days`) does not hide it: it is about the whole term.
"""

from __future__ import annotations

from datetime import date

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from ediary.domain.access import Facet, StudentGrant, Viewer
from ediary.domain.analytics.scope import StudentTerm, student_term
from ediary.domain.errors import Forbidden, InvalidInput, NotFound
from ediary.domain.models import TermRemark

__all__ = ["TEXT_LIMIT", "may_read_term_remark", "set_term_remark", "term_remark"]

TEXT_LIMIT = 1000


def may_read_term_remark(grant: StudentGrant) -> bool:
    """Whoever sees the whole report card: marks of every subject (the family, the class
    teacher, the administration)."""
    return grant.allows(Facet.MARKS) and grant.subjects is None


def _may_write(viewer: Viewer, scope: StudentTerm) -> bool:
    placement = scope.placement
    return placement.class_id in viewer.homerooms or placement.school_id in viewer.admin_schools


async def set_term_remark(
    viewer: Viewer, student_id: int, term_id: int, text: str, today: date
) -> TermRemark | None:
    """Write the remark on the student's card for the term, or remove it when `text` is
    empty; the remark as saved, None when removed.

    NotFound for a student or term the viewer may not see, NotEnrolled when the student was
    in no class that term, Forbidden for one who sees the card but does not lead the class,
    InvalidInput for text over `TEXT_LIMIT` characters."""
    scope = await student_term(viewer, student_id, term_id, today)
    if not _may_write(viewer, scope):
        raise Forbidden("Only the class teacher writes the remark on the report card.")
    text = text.strip()
    if len(text) > TEXT_LIMIT:
        raise InvalidInput(f"At most {TEXT_LIMIT} characters.", field="text")
    assert viewer.user_id is not None
    async with in_transaction():
        found = await TermRemark.get_or_none(student_id=student_id, term_id=scope.term.id)
        if not text:
            if found is not None:
                await found.delete()
            return None
        if found is None:
            try:
                async with in_transaction():
                    found = await TermRemark.create(
                        student_id=student_id,
                        term_id=scope.term.id,
                        school_class_id=scope.placement.class_id,
                        text=text,
                        author_id=viewer.user_id,
                    )
            except IntegrityError:
                # Another write made it first: this one goes over it, as it would a moment later.
                found = await TermRemark.get(student_id=student_id, term_id=scope.term.id)
            else:
                await found.fetch_related("author", "term")
                return found
        found.text = text
        found.author_id = viewer.user_id
        found.school_class_id = scope.placement.class_id
        await found.save(update_fields=["text", "author_id", "school_class_id", "updated_at"])
    await found.fetch_related("author", "term")
    return found


async def term_remark(
    viewer: Viewer, student_id: int, term_id: int | None, today: date
) -> TermRemark | None:
    """The remark on the student's card for the term (the current one when none is given),
    for those who may read it; None when there is none. NotFound for a hidden student or
    term, or for a viewer who sees the student but not the whole card."""
    scope = await student_term(viewer, student_id, term_id, today)
    if not may_read_term_remark(scope.grant):
        raise NotFound()
    return (
        await TermRemark.filter(
            student_id=student_id, term_id=scope.term.id, school_class_id=scope.placement.class_id
        )
        .select_related("author", "term")
        .first()
    )
