"""The progress chart of a student as SVG, at a stable address a page or an e-mail can embed.

`GET /charts/progress/{studentId}.svg?term={termId}&subject={subjectId}`: the same login
(cookie or bearer) and the same access policy as GraphQL's `progress` field; anything hidden
or unknown is a 404. Without `subject`, one small chart per subject with marks; with it, that
subject alone, larger (a subject without marks the viewer may see this term is a 404). The
class average is drawn beside the student's exactly where GraphQL's `classStanding` gives it
to the viewer (to a family only when the school shows the class rating).
"""

from __future__ import annotations

import asyncio

from starlette.requests import Request
from starlette.responses import Response

from ediary.domain.analytics.chart import progress_svg
from ediary.domain.analytics.progress import Progress, progress
from ediary.domain.analytics.rating import class_standing
from ediary.domain.analytics.scope import student_term
from ediary.domain.errors import NotFound
from ediary.domain.models import User
from ediary.web.common import answers_errors, context, object_id, optional_id


@answers_errors
async def progress_chart(request: Request) -> Response:
    ctx = context(request)
    viewer = await ctx.require_viewer()
    student_id = object_id(request.path_params["student"], "Student")
    term_id = optional_id(request.query_params.get("term"), "Term")
    subject_id = optional_id(request.query_params.get("subject"), "Subject")
    today = ctx.today()
    scope = await student_term(viewer, student_id, term_id, today)
    policy = ctx.region_policy(scope.placement.region_code)
    found = await progress(scope, policy)
    if subject_id is not None:
        found = Progress(found.term, [s for s in found.subjects if s.subject.id == subject_id])
        if not found.subjects:
            raise NotFound()
    standing = await class_standing(viewer, scope, policy)
    class_averages = {
        c.subject.id: c.class_average for c in standing.subjects if c.class_average is not None
    }
    student = await User.get(id=student_id)
    term = found.term
    title = (
        f"{student.full_name}: term {term.number}, "
        f"{term.starts_on:%d.%m.%Y} to {term.ends_on:%d.%m.%Y}"
    )
    if subject_id is not None:
        title = f"{student.full_name}, {found.subjects[0].subject.name}: term {term.number}"
    # Drawing takes tens of milliseconds of CPU: keep it off the event loop.
    svg = await asyncio.to_thread(
        progress_svg,
        found,
        title,
        policy.scale,
        today=today,
        class_averages=class_averages,
    )
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, max-age=300", "Vary": "Cookie, Authorization"},
    )
