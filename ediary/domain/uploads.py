"""Files uploaded with a write: judged by their bytes, stored, and forgotten on rollback.

Homework and announcements attach files the same way; each keeps its own table of them
(see `models.files.StoredFile`) and passes in how to make a row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from ediary.domain.errors import Problem
from ediary.domain.journal import files
from ediary.domain.storage import AttachmentStorage

MAX_FILES = 10


@dataclass(frozen=True)
class IncomingFile:
    """An uploaded file: the name the client sent and the bytes (at most the limit plus one)."""

    filename: str
    data: bytes


@dataclass(frozen=True)
class FileRules:
    storage: AttachmentStorage
    max_bytes: int = 10 * 1024 * 1024
    max_files: int = MAX_FILES


@dataclass(frozen=True)
class AcceptedFile:
    """A file that passed the checks, with its cleaned name and true type."""

    filename: str
    content_type: str
    data: bytes


# Makes the database row of a stored file: name, type, size and storage key.
RowMaker = Callable[[str, str, int, str], Awaitable[object]]


def _verdicts(uploads: list[IncomingFile], limit: int) -> list[tuple[str, files.Verdict]]:
    """Each file's cleaned name and verdict."""
    judged = []
    for upload in uploads:
        name = files.clean_name(upload.filename)
        judged.append((name, files.check(name, upload.data, limit)))
    return judged


async def file_problems(
    uploads: list[IncomingFile], rules: FileRules, already: int, path: str, what: str
) -> tuple[list[Problem], list[AcceptedFile]]:
    """Why files may not be attached (to `what`, which has `already` files), or the accepted."""
    problems: list[Problem] = []
    accepted = []
    if already + len(uploads) > rules.max_files:
        problems.append(
            Problem((path,), f"At most {rules.max_files} files per {what}.", "TOO_MANY_FILES")
        )
    # Judging reads every byte of every file (megabytes of text, say): not on the event loop,
    # which would stop answering anyone meanwhile.
    verdicts = await asyncio.to_thread(_verdicts, uploads, rules.max_bytes)
    for index, (upload, (name, verdict)) in enumerate(zip(uploads, verdicts, strict=True)):
        if verdict.problem or verdict.content_type is None:
            problems.append(
                Problem((path, str(index)), verdict.problem or "Not accepted.", verdict.code)
            )
        else:
            accepted.append(AcceptedFile(name, verdict.content_type, upload.data))
    return problems, accepted


async def store(accepted: list[AcceptedFile], rules: FileRules, make_row: RowMaker) -> list[str]:
    """Save the bytes and their rows; returns the keys, so a rollback can forget them."""
    keys = []
    for found in accepted:
        key = await rules.storage.save(found.data)
        keys.append(key)
        await make_row(found.filename, found.content_type, len(found.data), key)
    return keys


async def forget(rules: FileRules, keys: list[str]) -> None:
    for key in keys:
        await rules.storage.delete(key)
