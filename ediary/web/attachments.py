"""GET /attachments/...: the bytes of an attached file, for those who may see what it is
attached to. Homework files and announcement files share the route and its answers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ediary.domain import timetable
from ediary.domain.access import Viewer
from ediary.domain.diary import in_family_diary
from ediary.domain.errors import NotFound
from ediary.domain.life.announcements import visible_attachment
from ediary.domain.models import HomeworkAttachment
from ediary.domain.models.files import StoredFile
from ediary.domain.storage import AttachmentStorage
from ediary.web.common import answers_errors
from ediary.web.common import context as request_context

# Finds a file by its ID for a viewer: NotFound when it is missing or hidden.
Finder = Callable[[Viewer, int], Awaitable[StoredFile]]


async def homework_file(viewer: Viewer, attachment_id: int) -> StoredFile:
    attachment = await HomeworkAttachment.get_or_none(id=attachment_id).select_related(
        "homework__lesson"
    )
    if attachment is None:
        raise NotFound()
    lesson = attachment.homework.lesson
    try:
        await timetable.visible_class(viewer, lesson.school_class_id)
    except NotFound:
        # A class the family has left: the child's own lessons there stay in their diary.
        if not await in_family_diary(viewer, lesson.school_class_id, lesson.date):
            raise
    return attachment


async def announcement_file(viewer: Viewer, attachment_id: int) -> StoredFile:
    return await visible_attachment(viewer, attachment_id, datetime.now(UTC))


def file_route(path: str, storage: AttachmentStorage, find: Finder) -> Route:
    """A download route; `path` has an `{attachment_id}`."""

    @answers_errors
    async def download(request: Request) -> Response:
        # Logged out is told apart (401, like every file route) before the ID is looked at,
        # so the answer says nothing of the file; a hidden, unknown or lost file is a 404.
        viewer = await request_context(request).require_viewer()
        try:
            attachment_id = int(request.path_params["attachment_id"])
            attachment = await find(viewer, attachment_id)
            data = await storage.load(attachment.storage_key)
        except (KeyError, ValueError):
            raise NotFound() from None
        # The stored type was judged from the bytes; nosniff keeps browsers to it, and a
        # download is never rendered in the page.
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

    return Route(path, download, methods=["GET"])


def attachment_routes(storage: AttachmentStorage) -> list[Route]:
    return [
        file_route("/attachments/announcements/{attachment_id}", storage, announcement_file),
        file_route("/attachments/{attachment_id}", storage, homework_file),
    ]
