"""Finding 8: a zip bomb in upload type sniffing. A small .odt whose `mimetype` member
inflates to hundreds of megabytes is refused quickly with the upload error code, in bounded
memory, while the event loop goes on answering other requests."""

from __future__ import annotations

import asyncio
import io
import json
import time
import tracemalloc
import zipfile
from dataclasses import replace
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from strawberry.relay import to_base64

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from tests.world import World

ODT = b"application/vnd.oasis.opendocument.text"
INFLATED = 300 * 1024 * 1024
POST = """
mutation($input: PostAnnouncementInput!) {
  postAnnouncement(input: $input) {
    announcement { id }
    userErrors { field code }
  }
}
"""


def _bomb() -> bytes:
    """An .odt whose first member, `mimetype`, is the right type and 300 MB of spaces."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            member.write(ODT)
            spaces = b" " * (1024 * 1024)
            for _ in range(INFLATED // len(spaces)):
                member.write(spaces)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return _bomb()


@pytest.fixture(scope="module")
def roomy_app(settings: Settings) -> Starlette:
    """The app with attachments up to 1 MB, so that the bomb is within the size limit."""
    return create_app(replace(settings, max_attachment_bytes=1024 * 1024), manage_database=False)


def _client(app: Starlette) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=("10.8.0.1", 50000)),
        base_url="http://testserver",
        timeout=120,
    )


async def _upload(app: Starlette, world: World, data: bytes) -> dict[str, Any]:
    input = {
        "classId": to_base64("SchoolClass", world.id("class_7a")),
        "title": "Homework",
        "text": "See the file",
        "attachments": [None],
    }
    form = {
        "operations": json.dumps({"query": POST, "variables": {"input": input}}),
        "map": json.dumps({"0": ["variables.input.attachments.0"]}),
    }
    async with _client(app) as client:
        response = await client.post(
            "/graphql",
            data=form,
            files={"0": ("lesson.odt", data, "application/vnd.oasis.opendocument.text")},
            headers={"Authorization": f"Bearer {world.tokens['class_teacher']}"},
        )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _refused(result: dict[str, Any]) -> None:
    assert result["data"]["postAnnouncement"] == {
        "announcement": None,
        "userErrors": [{"field": ["input", "attachments", "0"], "code": "FILE_TYPE_NOT_ALLOWED"}],
    }


async def test_the_bomb_is_small(bomb: bytes) -> None:
    assert len(bomb) < 1024 * 1024 < INFLATED


async def test_a_zip_bomb_is_refused_in_bounded_memory(
    roomy_app: Starlette, world: World, bomb: bytes
) -> None:
    before = await models.Announcement.all().count()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        result = await _upload(roomy_app, world, bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 32 * 1024 * 1024
    _refused(result)
    assert await models.Announcement.all().count() == before


async def test_the_event_loop_answers_others_meanwhile(
    roomy_app: Starlette, world: World, bomb: bytes
) -> None:
    longest = 0.0
    done = False

    async def ticking() -> None:
        nonlocal longest
        while not done:
            started = time.perf_counter()
            await asyncio.sleep(0.005)
            longest = max(longest, time.perf_counter() - started)

    async def health() -> float:
        started = time.perf_counter()
        async with _client(roomy_app) as client:
            response = await client.get("/healthz")
        assert response.status_code == 200
        return time.perf_counter() - started

    ticker = asyncio.create_task(ticking())
    started = time.perf_counter()
    upload = asyncio.create_task(_upload(roomy_app, world, bomb))
    answered = [await health() for _ in range(3)]
    result = await upload
    took = time.perf_counter() - started
    done = True
    await ticker
    # The loop was never held for longer than a slow tick: nothing inflated on it.
    assert longest < 0.25
    assert max(answered) < 0.5
    assert took < 5.0
    _refused(result)
