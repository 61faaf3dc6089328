"""Login sheets as PDF: `GET /print/logins/{batchId}.pdf`, one page per family, or
`?student={studentId}` for one family's page.

For whoever issued the batch and whoever may issue logins for its class, and only until the
batch's `sheetsUntil` (LOGIN_SHEETS_EXPIRED, 410, after that: the temporary passwords are not
kept). Never cached anywhere: the sheets carry passwords.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ediary.domain import issued_logins
from ediary.printing.login_sheets import login_sheets_pdf
from ediary.web.common import answers_errors, context, object_id, optional_id
from ediary.web.print_files import draw_pdf


@answers_errors
async def login_sheets(request: Request) -> Response:
    ctx = context(request)
    viewer = await ctx.require_viewer()
    batch_id = object_id(request.path_params["batch"], "LoginBatch")
    student_id = optional_id(request.query_params.get("student"), "Student")
    families = await issued_logins.login_sheets(
        viewer, batch_id, secret_key=ctx.settings.secret_key, student_id=student_id
    )
    return await draw_pdf(lambda: login_sheets_pdf(families), f"logins-{batch_id}")
