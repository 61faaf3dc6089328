"""Finding 3: anonymous memory exhaustion. Bodies over EDIARY_MAX_BODY_BYTES are refused
with 413 while they stream in, before they are read; nothing an anonymous client sends is
kept in a cache; the caches of documents are bounded by bytes."""

from __future__ import annotations

import gc
import json
import sys
import tracemalloc
import uuid
from urllib.parse import urlencode

import pytest
from starlette.applications import Starlette

from ediary.config import Settings
from tests.conftest import GraphQLClient
from tests.security.raw import CHUNK, padded, request
from tests.world import World

JSON = {"content-type": "application/json"}
START = b'{"query": "{ __typename }", "variables": {"pad": "'
END = b'"}}'
# Routes that read a body: GraphQL, and a plugin's form (the Dnevnik password reset page).
ROUTES = ["/graphql", "/dnevnik/reset"]
# Far over EDIARY_MAX_BODY_BYTES (1 MB by default, as in the tests).
HUGE = 50 * 1024 * 1024


def _as(world: World, who: str | None) -> dict[str, str]:
    return {} if who is None else {"authorization": f"Bearer {world.tokens[who]}"}


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("who", [None, "parent"])
async def test_a_declared_length_over_the_limit_is_refused_unread(
    app: Starlette, world: World, settings: Settings, path: str, who: str | None
) -> None:
    headers = {**JSON, **_as(world, who), "content-length": str(HUGE)}
    answer = await request(app, path, padded(START, HUGE, END), headers, client="10.3.0.1")
    assert answer.status == 413
    assert answer.code == "PAYLOAD_TOO_LARGE"
    assert "larger than" in answer.json()["errors"][0]["message"]
    assert answer.read == 0


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("who", [None, "parent"])
async def test_a_chunked_body_over_the_limit_is_refused_as_it_streams(
    app: Starlette, world: World, settings: Settings, path: str, who: str | None
) -> None:
    headers = {**JSON, **_as(world, who)}
    answer = await request(app, path, padded(START, HUGE, END), headers, client="10.3.0.2")
    assert answer.status == 413
    assert answer.code == "PAYLOAD_TOO_LARGE"
    # Reading stopped at the first chunk past the limit.
    assert answer.read <= settings.max_body_bytes + CHUNK


async def test_a_body_within_the_limit_is_answered(app: Starlette) -> None:
    # Just under EDIARY_MAX_BODY_BYTES: refusing too much would be a bug too.
    size = 1000 * 1024
    answer = await request(app, "/graphql", padded(START, size, END), JSON, client="10.3.0.3")
    assert answer.status == 200
    assert answer.json() == {"data": {"__typename": "Query"}}


def _holders(marker: str) -> list[str]:
    """Types of the live objects that refer to a text containing `marker`: whatever keeps
    a document after its request (collected garbage aside)."""
    gc.collect()
    here = sys._getframe()
    found = []
    for obj in gc.get_objects():
        if obj is here:
            continue
        for ref in gc.get_referents(obj):
            texts = ref if isinstance(ref, tuple) else (ref,)
            if any(
                isinstance(t, str | bytes) and t is not marker and marker in str(t) for t in texts
            ):
                found.append(type(obj).__name__)
                break
    return found


async def _anonymous_queries(app: Starlette, marker: str) -> None:
    # Once over POST, once over GET: the response cache and the parser see both. Sent at
    # the ASGI level: a client library keeps URLs of its own (urllib's `urlsplit` cache).
    document = f"query Padded {{ __typename }} # {marker}"
    body = json.dumps({"query": document}).encode()
    posted = await request(app, "/graphql", iter([body]), JSON, client="10.3.0.4")
    got = await request(
        app,
        "/graphql",
        iter([]),
        {},
        method="GET",
        query_string=urlencode({"query": document}),
        client="10.3.0.4",
    )
    for answer in (posted, got):
        assert answer.status == 200
        assert answer.json() == {"data": {"__typename": "Query"}}


async def test_anonymous_documents_are_not_kept(app: Starlette) -> None:
    marker = f"marker-{uuid.uuid4().hex}"
    await _anonymous_queries(app, marker)
    assert _holders(marker) == []


async def test_documents_of_a_user_take_bounded_memory(
    gql: GraphQLClient, settings: Settings
) -> None:
    # Forty documents of 200 KB (a comment pads them; it costs no tokens): 8 MB of text.
    size = 200 * 1024
    await gql("{ __typename }", as_user="parent")  # whatever a first request sets up
    gc.collect()
    tracemalloc.start()
    try:
        before, _ = tracemalloc.get_traced_memory()
        for _ in range(40):
            pad = uuid.uuid4().hex * (size // 32)
            result = await gql(f"{{ __typename }} # {pad}", as_user="parent")
            assert result == {"data": {"__typename": "Query"}}
        gc.collect()
        kept, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Each answer is kept by the response cache, keyed by its document (bounded by
    # EDIARY_RESPONSE_CACHE_MB, logged-in users only): that is the one copy allowed.
    assert kept - before < 40 * size + 2 * 1024 * 1024


def test_the_cache_of_documents_is_bounded_by_bytes() -> None:
    from ediary.server.text_cache import TextCache  # here: the module is the fix

    cache: TextCache[int] = TextCache(64 * 1024, per_char=10, max_chars=8 * 1024)
    for number in range(1000):
        cache.put(f"{number:04d}" + "x" * 1000, number)
    assert cache.size <= 64 * 1024
    assert 0 < len(cache) < 1000
    assert cache.get("0999" + "x" * 1000) == 999  # the most recent stay
    assert cache.get("0000" + "x" * 1000) is None  # the least recent went first
    cache.put("y" * (8 * 1024 + 1), 1)  # too long to be worth keeping
    assert cache.get("y" * (8 * 1024 + 1)) is None
