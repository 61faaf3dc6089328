"""Term reports as downloadable files, behind the same login and policy as GraphQL.

`GET /reports/class/{classId}.csv|.xlsx?term={termId}` and
`GET /reports/school/{schoolId}.csv|.xlsx?term={termId}`; without `term`, the current term.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response

from ediary.domain.analytics import export, reports
from ediary.domain.grading import RegionPolicy
from ediary.web.common import Endpoint, answers_errors, context, object_id, optional_id

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file(
    report: reports.ClassReport | reports.SchoolReport,
    policy: RegionPolicy,
    name: str,
    extension: str,
) -> Callable[[], Response]:
    def build() -> Response:
        if extension == "csv":
            body, media_type = export.to_csv(report, policy), "text/csv; charset=utf-8"
        else:
            body, media_type = export.to_xlsx(report, policy), XLSX
        safe = re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "report"
        return Response(
            body,
            media_type=media_type,
            headers={
                "Content-Disposition": f'attachment; filename="{safe}.{extension}"',
                "Cache-Control": "private, no-store",
            },
        )

    return build


def class_report_file(extension: str) -> Endpoint:
    @answers_errors
    async def endpoint(request: Request) -> Response:
        ctx = context(request)
        viewer = await ctx.require_viewer()
        found = await reports.class_report(
            viewer,
            object_id(request.path_params["school_class"], "SchoolClass"),
            optional_id(request.query_params.get("term"), "Term"),
            ctx.region_policy,
            ctx.today(),
        )
        policy = ctx.region_policy(found.school_class.school.region.code)
        name = f"report-{found.school_class.name}-term{found.term.number}"
        return await asyncio.to_thread(_file(found, policy, name, extension))

    return endpoint


def school_report_file(extension: str) -> Endpoint:
    @answers_errors
    async def endpoint(request: Request) -> Response:
        ctx = context(request)
        viewer = await ctx.require_viewer()
        found = await reports.school_report(
            viewer,
            object_id(request.path_params["school"], "School"),
            optional_id(request.query_params.get("term"), "Term"),
            ctx.region_policy,
            ctx.today(),
        )
        policy = ctx.region_policy(found.school.region.code)
        name = f"report-{found.school.short_name}-term{found.term.number}"
        return await asyncio.to_thread(_file(found, policy, name, extension))

    return endpoint
