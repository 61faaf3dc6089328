"""`GET /calendar/{secret}.ics`: a student's private calendar feed.

Calendar apps fetch it without a session, so the secret in the address is the key. An
unknown or revoked secret, or one whose creator may no longer see the student, gets the same
404 (`NOT_FOUND`): nothing tells which of these it was.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ediary.adapters.http import app_settings, error_response, parent_lookback
from ediary.domain import ics
from ediary.domain.feeds import feed_content


async def calendar_feed(request: Request) -> Response:
    settings = app_settings(request)
    content = await feed_content(
        request.path_params["secret"],
        settings.school_today(),
        parent_lookback(request.app.state.plugins, settings),
    )
    if content is None:
        return error_response(404, "NOT_FOUND", "There is no such calendar feed.")
    return Response(
        ics.render(content),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Cache-Control": "private, max-age=900",
            "Content-Disposition": 'inline; filename="diary.ics"',
        },
    )
