"""Files that arrive with a mutation by the GraphQL multipart request spec."""

from __future__ import annotations

from typing import Any

from ediary.domain.uploads import FileRules, IncomingFile
from ediary.schema.info import Info


async def read_uploads(uploads: list[Any], limit: int) -> list[IncomingFile]:
    """The uploads' names and bytes, reading at most one byte past the limit of each."""
    found = []
    for upload in uploads:
        data = await upload.read(limit + 1)
        found.append(IncomingFile(filename=upload.filename or "", data=data))
    return found


def file_rules(info: Info) -> FileRules:
    """The storage and limits of this server."""
    settings = info.context.settings
    return FileRules(storage=info.context.runtime.storage, max_bytes=settings.max_attachment_bytes)
