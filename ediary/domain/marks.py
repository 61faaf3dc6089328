"""Reading marks: a student's pages of marks, single marks, term and year marks."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from datetime import date, datetime

from tortoise.expressions import Q

from ediary.domain.access import Facet, StudentGrant, Viewer, student_grant
from ediary.domain.bounds import final_marks_within, within
from ediary.domain.errors import InvalidInput
from ediary.domain.keys import parse_key
from ediary.domain.models import FinalMark, Mark, Term
from ediary.domain.placements import placements


@dataclass(frozen=True)
class MarkPage:
    marks: list[Mark]
    has_next: bool
    total: int

    def cursor(self, mark: Mark) -> str:
        return encode_cursor(mark)


def encode_cursor(mark: Mark) -> str:
    return base64.urlsafe_b64encode(f"{mark.date.isoformat()}|{mark.id}".encode()).decode()


def decode_cursor(cursor: str) -> tuple[date, int]:
    try:
        day, _, mark_id = base64.urlsafe_b64decode(cursor.encode()).decode().partition("|")
        when, key = date.fromisoformat(day), parse_key(mark_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        key = None
    if key is None:
        raise InvalidInput("The cursor is not one this API gave out.", field="after")
    return when, key


async def student_marks(
    grant: StudentGrant,
    *,
    term: Term | None,
    subject_id: int | None,
    first: int,
    after: str | None,
    changed_since: datetime | None = None,
) -> MarkPage:
    """Newest first, keyset-paged on (date, id) so a page costs the same deep in the list;
    only marks entered or changed at or after `changed_since` when given."""
    if Facet.MARKS not in grant.facets or (
        subject_id is not None and not grant.allows(Facet.MARKS, subject_id)
    ):
        return MarkPage([], False, 0)
    query = Mark.filter(within(grant), student_id=grant.student_id, deleted_at=None)
    if grant.visible_from is not None:
        query = query.filter(date__gte=grant.visible_from)
    if term is not None:
        query = query.filter(term_id=term.id)
    if subject_id is not None:
        query = query.filter(subject_id=subject_id)
    if changed_since is not None:
        query = query.filter(updated_at__gte=changed_since)
    if grant.subjects is not None:
        query = query.filter(subject_id__in=list(grant.subjects))
    total = await query.count()
    if after is not None:
        day, mark_id = decode_cursor(after)
        query = query.filter(Q(date__lt=day) | Q(date=day, id__lt=mark_id))
    rows = await query.select_related("subject", "author").order_by("-date", "-id").limit(first + 1)
    return MarkPage(list(rows[:first]), len(rows) > first, total)


async def visible_marks(viewer: Viewer, mark_ids: list[int]) -> dict[int, Mark]:
    """The marks among these IDs that the viewer may see, in a fixed number of queries."""
    marks = await Mark.filter(id__in=mark_ids, deleted_at=None).select_related("subject", "author")
    found = await placements({m.student_id for m in marks})
    visible = {}
    for mark in marks:
        around = [p for p in found.get(mark.student_id, []) if p.covers(mark.date)]
        grant = student_grant(viewer, mark.student_id, around)
        if (
            grant is not None
            and grant.allows(Facet.MARKS, mark.subject_id)
            and grant.covers(mark.date, mark.school_class_id)
        ):
            visible[mark.id] = mark
    return visible


async def final_marks(grant: StudentGrant, academic_year_id: int | None) -> list[FinalMark]:
    """Term and year marks; year marks have no term."""
    if Facet.MARKS not in grant.facets:
        return []
    query = FinalMark.filter(final_marks_within(grant), student_id=grant.student_id)
    if academic_year_id is not None:
        query = query.filter(academic_year_id=academic_year_id)
    if grant.subjects is not None:
        query = query.filter(subject_id__in=list(grant.subjects))
    rows = await query.select_related("subject", "term")
    return sorted(rows, key=lambda m: (m.subject.name, m.term.number if m.term else 99))
