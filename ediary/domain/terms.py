"""Finding terms: the term of a day, and terms the viewer may see."""

from __future__ import annotations

from datetime import date
from typing import Any

from ediary.domain import sql
from ediary.domain.access import Viewer
from ediary.domain.errors import NotFound
from ediary.domain.models import Term
from ediary.domain.rows import TermRow


def current_term_sql(years: str, day: str) -> str:
    """The statement of `current_term`, for school years chosen by the condition `years` on
    `academic_year_id` (such as "= ANY($1)") and the day `day` (such as "$2"): the latest
    term begun by then. `load_week` reads it beside the placements that give the years."""
    return (
        "SELECT id, academic_year_id, number, starts_on, ends_on FROM term"
        f" WHERE academic_year_id {years} AND starts_on <= {day}"
        " ORDER BY starts_on DESC, id DESC LIMIT 1"
    )


def term_from(row: Any) -> TermRow:
    """A term from the columns of `current_term_sql`, as a row or a join names them."""
    return TermRow(
        id=row["id"],
        academic_year_id=row["academic_year_id"],
        number=row["number"],
        starts_on=sql.as_date(row["starts_on"]),
        ends_on=sql.as_date(row["ends_on"]),
    )


async def current_term(academic_year_ids: set[int], day: date) -> TermRow | None:
    """The term a day falls in; during holidays, the term just ended."""
    rows = await sql.fetch(current_term_sql("= ANY($1)", "$2"), [list(academic_year_ids), day])
    return term_from(rows[0]) if rows else None


async def terms_of_year(academic_year_id: int) -> list[TermRow]:
    """Every term of a school year, in order: the terms a class's journal can be opened for."""
    rows = await sql.fetch(
        "SELECT id, academic_year_id, number, starts_on, ends_on FROM term"
        " WHERE academic_year_id = $1 ORDER BY starts_on, number, id",
        [academic_year_id],
    )
    return [term_from(row) for row in rows]


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
