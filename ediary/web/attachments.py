"""GET /attachments/{id}: the bytes of a homework file, for those who may see the homework."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ediary.config import Settings
from ediary.domain import timetable
from ediary.domain.errors import DomainError
from ediary.domain.models import HomeworkAttachment
from ediary.domain.storage import AttachmentStorage
from ediary.web.common import context as request_context


def attachment_route(settings: Settings, storage: AttachmentStorage) -> Route:
    async def download(request: Request) -> Response:
        not_found = Response("Not found", status_code=404, media_type="text/plain")
        context = request_context(request)
        try:
            attachment_id = int(request.path_params["attachment_id"])
            viewer = await context.require_viewer()
            attachment = await HomeworkAttachment.get_or_none(id=attachment_id).select_related(
                "homework__lesson"
            )
            if attachment is None:
                return not_found
            await timetable.visible_class(viewer, attachment.homework.lesson.school_class_id)
            data = await storage.load(attachment.storage_key)
        except (DomainError, KeyError, ValueError):
            return not_found
        # The stored type was judged from the bytes; nosniff keeps browsers to it.
        disposition = f"attachment; filename*=UTF-8''{quote(attachment.filename, safe='')}"
        return Response(
            data,
            media_type=attachment.content_type,
            headers={
                "Content-Disposition": disposition,
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "private, no-store",
            },
        )

    return Route("/attachments/{attachment_id}", download, methods=["GET"])
