"""Finding 4: anonymous disk exhaustion. A multipart body is parsed only for a logged-in
user, within the upload limits (files per request, bytes kept of each file, the body as a
whole), and its temporary files are closed after the request, whatever became of it."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator

import pytest
from starlette.applications import Starlette
from starlette.datastructures import UploadFile
from strawberry.relay import to_base64

from ediary.config import Settings
from ediary.domain import models
from ediary.domain.uploads import MAX_FILES
from tests.security.raw import Answer, request
from tests.world import World

POST = """
mutation($input: PostAnnouncementInput!) {
  postAnnouncement(input: $input) {
    announcement { id }
    userErrors { field code }
  }
}
"""
PDF = b"%PDF-1.4\n"


def _multipart(
    world: World, files: list[tuple[str, bytes]], operations: bytes | None = None
) -> tuple[bytes, str]:
    """A request by the GraphQL multipart request spec: operations, map, then the files."""
    boundary = uuid.uuid4().hex
    if operations is None:
        input = {
            "classId": to_base64("SchoolClass", world.id("class_7a")),
            "title": "Files",
            "text": "Files",
            "attachments": [None] * len(files),
        }
        operations = json.dumps({"query": POST, "variables": {"input": input}}).encode()
    mapping = {str(i): [f"variables.input.attachments.{i}"] for i in range(len(files))}
    parts = [
        (b'name="operations"', operations),
        (b'name="map"', json.dumps(mapping).encode()),
        *(
            (f'name="{i}"; filename="{name}"'.encode(), data)
            for i, (name, data) in enumerate(files)
        ),
    ]
    body = b"".join(
        b"--%s\r\nContent-Disposition: form-data; %s\r\n\r\n%s\r\n" % (boundary.encode(), d, v)
        for d, v in parts
    )
    return body + b"--%s--\r\n" % boundary.encode(), boundary


def _chunks(body: bytes, size: int = 16 * 1024) -> Iterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def _send(
    app: Starlette, body: bytes, boundary: str, auth: dict[str, str], *, length: bool = False
) -> Answer:
    headers = {"content-type": f"multipart/form-data; boundary={boundary}", **auth}
    if length:
        headers["content-length"] = str(len(body))
    return await request(app, "/graphql", _chunks(body), headers, client="10.4.0.1")


class Spooled:
    """Every uploaded file the server writes to, with the bytes written to it."""

    def __init__(self) -> None:
        self.files: list[UploadFile] = []
        self.written: dict[int, int] = {}


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch) -> Spooled:
    found = Spooled()
    write = UploadFile.write

    async def counting(self: UploadFile, data: bytes) -> None:
        if id(self) not in found.written:
            # Holding them here keeps the garbage collector from closing them for the server.
            found.files.append(self)
            found.written[id(self)] = 0
        found.written[id(self)] += len(data)
        await write(self, data)

    monkeypatch.setattr(UploadFile, "write", counting)
    return found


def _bearer(world: World, who: str) -> dict[str, str]:
    return {"authorization": f"Bearer {world.tokens[who]}"}


async def _announcements() -> tuple[int, int]:
    return (
        await models.Announcement.all().count(),
        await models.AnnouncementAttachment.all().count(),
    )


@pytest.mark.parametrize(
    "auth",
    # A cross-site form is refused earlier (CSRF_HEADER_REQUIRED); these send the header a
    # script on our own pages would, so the refusal is the missing session's.
    [
        {"apollo-require-preflight": "true"},
        {"authorization": "Bearer not-a-session"},
        {"cookie": "ediary_session=not-a-session", "x-csrf-token": "not-a-token"},
    ],
    ids=["no credentials", "unknown bearer token", "unknown cookie"],
)
async def test_an_anonymous_upload_is_refused_before_it_is_read(
    app: Starlette, world: World, spooled: Spooled, auth: dict[str, str]
) -> None:
    before = await _announcements()
    body, boundary = _multipart(world, [("a.pdf", PDF + b" " * 1000)] * 3)
    answer = await _send(app, body, boundary, auth)
    assert answer.status == 401
    assert answer.code in ("UNAUTHENTICATED", "SESSION_EXPIRED")
    assert answer.read == 0
    assert spooled.files == []
    assert await _announcements() == before


async def test_more_files_than_a_mutation_takes_are_refused_while_parsing(
    app: Starlette, world: World, spooled: Spooled
) -> None:
    before = await _announcements()
    files = [(f"f{i}.pdf", PDF) for i in range(MAX_FILES + 2)]
    body, boundary = _multipart(world, files)
    answer = await _send(app, body, boundary, _bearer(world, "class_teacher"))
    assert answer.status == 413
    assert answer.code == "PAYLOAD_TOO_LARGE"
    assert f"At most {MAX_FILES} files" in answer.json()["errors"][0]["message"]
    assert len(spooled.files) <= MAX_FILES + 1
    assert all(upload.file.closed for upload in spooled.files)
    assert await _announcements() == before


async def test_of_a_large_file_only_what_tells_it_is_too_large_is_kept(
    app: Starlette, world: World, settings: Settings, spooled: Spooled
) -> None:
    before = await _announcements()
    big = PDF + b" " * (3 * settings.max_attachment_bytes)
    body, boundary = _multipart(world, [("big.pdf", big)])
    answer = await _send(app, body, boundary, _bearer(world, "class_teacher"))
    assert answer.status == 200
    payload = answer.json()["data"]["postAnnouncement"]
    assert payload["userErrors"] == [
        {"field": ["input", "attachments", "0"], "code": "FILE_TOO_LARGE"}
    ]
    assert list(spooled.written.values()) == [settings.max_attachment_bytes + 1]
    assert all(upload.file.closed for upload in spooled.files)
    assert await _announcements() == before


async def test_a_body_over_the_upload_limits_is_refused_unread(
    app: Starlette, world: World, settings: Settings, spooled: Spooled
) -> None:
    files = [(f"f{i}.pdf", PDF + b" " * settings.max_attachment_bytes) for i in range(80)]
    body, boundary = _multipart(world, files)
    answer = await _send(app, body, boundary, _bearer(world, "class_teacher"), length=True)
    assert answer.status == 413
    assert answer.code == "PAYLOAD_TOO_LARGE"
    assert answer.read == 0
    assert spooled.files == []


# (what happens, operations or None for a valid postAnnouncement, status)
CASES: list[tuple[str, bytes | None, int]] = [
    # A .pdf name on text: FILE_NAME_MISMATCH, a user error; nothing is written.
    ("refused by the mutation", None, 200),
    ("operations that are not JSON", b'{"query": ', 400),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0])
async def test_uploaded_files_are_closed_after_the_request(
    app: Starlette, world: World, spooled: Spooled, case: tuple[str, bytes | None, int]
) -> None:
    _, operations, status = case
    before = await _announcements()
    body, boundary = _multipart(world, [("notes.pdf", b"Read chapter 3.\n")] * 2, operations)
    answer = await _send(app, body, boundary, _bearer(world, "class_teacher"))
    assert answer.status == status, answer.body
    assert len(spooled.files) == 2
    assert [upload.file.closed for upload in spooled.files] == [True, True]
    assert await _announcements() == before
