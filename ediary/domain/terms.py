"""Finding terms: the term of a day, and terms the viewer may see."""

from __future__ import annotations

from datetime import date

from ediary.domain.access import Viewer
from ediary.domain.errors import NotFound
from ediary.domain.models import Term


async def current_term(academic_year_ids: set[int], day: date) -> Term | None:
    """The term a day falls in; during holidays, the term just ended."""
    return (
        await Term.filter(academic_year_id__in=list(academic_year_ids), starts_on__lte=day)
        .order_by("-starts_on")
        .first()
    )


async def visible_term(viewer: Viewer, term_id: int) -> Term:
    """A term of a school the viewer is tied to, or of one a family's diary passed through
    (the child's past marks name its terms); NotFound otherwise."""
    term = await Term.get_or_none(id=term_id).select_related("academic_year")
    if (
        term is None
        or not viewer.is_authenticated
        or term.academic_year.school_id
        not in viewer.schools | viewer.diary_schools | viewer.admin_schools
    ):
        raise NotFound()
    return term
