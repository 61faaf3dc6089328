"""Paper copies as PDF for families without internet, behind the same login and policy as
GraphQL.

`GET /print/week.pdf?student={studentId}&week=2026-W48` and
`GET /print/report-card.pdf?student={studentId}&term={termId}`: one student, for whoever may
see their diary (a report card also needs their marks); `GET /print/class/{classId}/week.pdf`
and `.../report-card.pdf` with the same `week`/`term`: every student of a class, one a page,
for its class teacher and the school's administration. Without `week`, the current week;
without `term`, the current term. `lang=ru` (default) or `lang=en`.

A class's copy is heavy, so after login and before any drawing it is charged to the viewer's
hourly query budget, `PAGE_COST` points a student, and refused when that does not fit.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from ediary.domain import budget, paper
from ediary.domain.access import Viewer
from ediary.domain.errors import InvalidInput
from ediary.domain.weeks import IsoWeek
from ediary.printing.pdf import LANGUAGES, Language, report_cards_pdf, weeks_pdf
from ediary.schema.context import Context
from ediary.web.common import answers_errors, context, object_id, optional_id

PDF = "application/pdf"
# Points of the hourly budget a page of a class's copy costs: a page reads the student's week
# (a few statements) and draws a table, about what a diary query of one week costs.
PAGE_COST = 20


def _language(request: Request) -> Language:
    raw = request.query_params.get("lang", "ru")
    for language in LANGUAGES:
        if raw == language:
            return language
    raise InvalidInput(f'"{raw}" is not a language of paper copies: use ru or en.', field="lang")


def _week(request: Request, ctx: Context) -> IsoWeek:
    raw = request.query_params.get("week")
    return IsoWeek.parse(raw) if raw else IsoWeek.containing(ctx.today())


def _pdf(body: bytes, name: str) -> Response:
    return Response(
        body,
        media_type=PDF,
        headers={
            "Content-Disposition": f'attachment; filename="{name}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


async def _charge(ctx: Context, viewer: Viewer, pages: int) -> None:
    """Spend the class copy's points of the viewer's budget, or refuse (RATE_LIMITED)."""
    if pages == 0:
        return
    key = budget.budget_key(viewer.user_id, ctx.client_address)
    spent = await budget.charge(
        key, pages * PAGE_COST, ctx.settings.rate_points_per_hour, ctx.now()
    )
    if spent is not None and not spent.granted:
        raise budget.RateLimited(spent)


async def draw_pdf(draw: Callable[[], bytes], name: str) -> Response:
    """The file `draw` lays out, as a private download never cached (`name`.pdf). Laying out
    pages takes CPU time per page: it runs off the event loop."""
    return _pdf(await asyncio.to_thread(draw), name)


@answers_errors
async def student_week(request: Request) -> Response:
    ctx = context(request)
    viewer = await ctx.require_viewer()
    student_id = object_id(request.query_params.get("student"), "Student")
    week, language = _week(request, ctx), _language(request)
    page = await paper.week_page(viewer, student_id, week, ctx.region_policy)
    return await draw_pdf(lambda: weeks_pdf([page], language), f"diary-{week}")


@answers_errors
async def student_report_card(request: Request) -> Response:
    ctx = context(request)
    viewer = await ctx.require_viewer()
    student_id = object_id(request.query_params.get("student"), "Student")
    term_id = optional_id(request.query_params.get("term"), "Term")
    language = _language(request)
    card = await paper.report_card(viewer, student_id, term_id, ctx.region_policy, ctx.today())
    return await draw_pdf(
        lambda: report_cards_pdf([card], language), f"report-card-term{card.term.number}"
    )


@answers_errors
async def class_week(request: Request) -> Response:
    ctx = context(request)
    viewer = await ctx.require_viewer()
    class_id = object_id(request.path_params["school_class"], "SchoolClass")
    week, language = _week(request, ctx), _language(request)
    await _charge(ctx, viewer, await paper.class_size(viewer, class_id, week.monday, week.sunday))
    pages = await paper.class_week_pages(viewer, class_id, week, ctx.region_policy)
    name = f"diary-{pages[0].school_class}-{week}" if pages else f"diary-{week}"
    return await draw_pdf(lambda: weeks_pdf(pages, language), _ascii(name))


@answers_errors
async def class_report_cards(request: Request) -> Response:
    ctx = context(request)
    viewer = await ctx.require_viewer()
    class_id = object_id(request.path_params["school_class"], "SchoolClass")
    term_id = optional_id(request.query_params.get("term"), "Term")
    language = _language(request)
    cards = await paper.class_report_cards(
        viewer, class_id, term_id, ctx.region_policy, ctx.today()
    )
    # The cards cost a fixed number of statements; the budget pays for the drawing.
    await _charge(ctx, viewer, len(cards))
    name = f"report-cards-{cards[0].school_class}" if cards else "report-cards"
    return await draw_pdf(lambda: report_cards_pdf(cards, language), _ascii(name))


def _ascii(name: str) -> str:
    # Class letters are often Cyrillic; a header's filename stays ASCII.
    safe = "".join(c if c.isascii() and (c.isalnum() or c in "-_") else "-" for c in name)
    return safe.strip("-") or "diary"
