"""Which term and class a student's figures are about, decided through the access policy."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ediary.domain.access import Placement, StudentGrant, Viewer, student_grant
from ediary.domain.errors import NotEnrolled, NotFound
from ediary.domain.models import Term
from ediary.domain.placements import placements
from ediary.domain.rows import TermRow
from ediary.domain.terms import current_term, visible_term


@dataclass(frozen=True)
class StudentTerm:
    """A student, a term they were enrolled in, their class then, and what the viewer may see."""

    grant: StudentGrant
    term: Term | TermRow
    # The class the student was in during the term; the latest one if they moved.
    placement: Placement

    @property
    def student_id(self) -> int:
        return self.grant.student_id

    @property
    def last_day(self) -> date:
        """The last day of the term the student spends in this class."""
        ends = self.placement.ends_on
        return self.term.ends_on if ends is None else min(ends, self.term.ends_on)


def _overlaps(placement: Placement, term: Term | TermRow) -> bool:
    return placement.academic_year_id == term.academic_year_id and (
        placement.starts_on <= term.ends_on
        and (placement.ends_on is None or placement.ends_on >= term.starts_on)
    )


async def student_term(
    viewer: Viewer, student_id: int, term_id: int | None, today: date
) -> StudentTerm:
    """Resolve the term (the current one when none is given) for a student the viewer follows.

    NotFound when the viewer may not see the student (or the term), NotEnrolled when the
    student is visible but was in no class during that term.
    """
    everything = (await placements([student_id])).get(student_id, [])
    if student_grant(viewer, student_id, everything) is None:
        raise NotFound()
    if term_id is not None:
        term: Term | TermRow | None = await visible_term(viewer, term_id)
    else:
        term = await current_term({p.academic_year_id for p in everything}, today)
    if term is None:
        raise NotEnrolled()
    during = [p for p in everything if _overlaps(p, term)]
    if not during:
        raise NotEnrolled()
    grant = student_grant(viewer, student_id, during)
    if grant is None:
        # Visible through another class or year, but not through the one of this term.
        raise NotFound()
    placement = max(during, key=lambda p: p.starts_on)
    return StudentTerm(grant=grant, term=term, placement=placement)
