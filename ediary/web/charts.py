"""The progress chart of a student as SVG, at a stable address a page or an e-mail can embed.

`GET /charts/progress/{studentId}.svg?term={termId}`: the same login (cookie or bearer) and
the same access policy as GraphQL's `progress` field; anything hidden or unknown is a 404.
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response

from ediary.domain.analytics.chart import progress_svg
from ediary.domain.analytics.progress import progress
from ediary.domain.analytics.scope import student_term
from ediary.domain.models import User
from ediary.web.common import answers_errors, context, object_id, optional_id


@answers_errors
async def progress_chart(request: Request) -> Response:
    ctx = context(request)
    viewer = await ctx.require_viewer()
    student_id = object_id(request.path_params["student"], "Student")
    term_id = optional_id(request.query_params.get("term"), "Term")
    scope = await student_term(viewer, student_id, term_id, ctx.today())
    policy = ctx.region_policy(scope.placement.region_code)
    found = await progress(scope, policy)
    student = await User.get(id=student_id)
    term = found.term
    title = (
        f"{student.full_name}: term {term.number}, "
        f"{term.starts_on:%d.%m.%Y} to {term.ends_on:%d.%m.%Y}"
    )
    # Drawing takes tens of milliseconds of CPU: keep it off the event loop.
    svg = await asyncio.to_thread(progress_svg, found, title, policy.scale)
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, max-age=300", "Vary": "Cookie, Authorization"},
    )
