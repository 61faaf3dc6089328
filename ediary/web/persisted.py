"""Requests that name a trusted document by its id instead of sending its text.

An ASGI middleware in front of the response cache and the GraphQL view. It understands
Apollo's persisted queries (`"extensions": {"persistedQuery": {"version": 1,
"sha256Hash": ...}}`) and Relay's `documentId`, in a POST body or, for GET, in the query
string (`extensions` as JSON), so that a CDN may cache GETs by their short URL. A request
naming a registered document goes on with that document's text in `query`, exactly as if the
client had sent it: the response cache keeps and serves it under the same key, and the
limits, the budget and the access policy apply to it like to any other.

Refused here, before anything is parsed, with a GraphQL-shaped JSON body and a code:
an unknown id (`PERSISTED_QUERY_NOT_FOUND`, on which Apollo's clients send the text along),
a text that is not the one its hash names (`PERSISTED_QUERY_HASH_MISMATCH`), and, when the
server runs only registered documents, a text sent on its own (`TRUSTED_DOCUMENTS_ONLY`).
Multipart uploads pass through; the schema's `only_registered` rule covers them and
WebSocket operations.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import orjson
from starlette.datastructures import QueryParams
from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ediary.schema.trusted import ONLY_CODE, TrustedDocuments, sha256_hex
from ediary.web.graphql_http import JSON, negotiate

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"


@dataclass(frozen=True)
class _Refusal:
    code: str
    message: str


# What to do with a request: run it as it came (None), with this text, or refuse it.
_Outcome = str | _Refusal | None


class PersistedDocuments:
    """ASGI middleware resolving document ids to registered texts; see the module."""

    def __init__(self, app: ASGIApp, trusted: TrustedDocuments) -> None:
        self.app = app
        self.trusted = trusted

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] == "GET":
            await self._get(scope, receive, send)
        elif scope["method"] == "POST" and _is_json(scope):
            await self._post(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _get(self, scope: Scope, receive: Receive, send: Send) -> None:
        params = QueryParams(scope.get("query_string", b""))
        extensions: object = None
        if "extensions" in params:
            try:
                extensions = orjson.loads(params["extensions"])
            except orjson.JSONDecodeError:
                # The view answers a malformed parameter itself (BAD_REQUEST).
                await self.app(scope, receive, send)
                return
        outcome = self._resolve(params.get("query"), extensions, params.get("documentId"))
        if isinstance(outcome, _Refusal):
            await _refuse(outcome, scope, receive, send)
            return
        if outcome is not None:
            items = [(k, v) for k, v in params.multi_items() if k != "query"]
            query_string = urlencode([*items, ("query", outcome)]).encode()
            scope = {**scope, "query_string": query_string}
        await self.app(scope, receive, send)

    async def _post(self, scope: Scope, receive: Receive, send: Send) -> None:
        body, rest = await _read_body(receive)
        try:
            params = orjson.loads(body)
        except orjson.JSONDecodeError:
            params = None
        if not isinstance(params, dict):
            # Not a single JSON operation: the view refuses it with the right code.
            await self.app(scope, _replay(body, rest, receive), send)
            return
        outcome = self._resolve(
            params.get("query"), params.get("extensions"), params.get("documentId")
        )
        if isinstance(outcome, _Refusal):
            await _refuse(outcome, scope, receive, send)
            return
        if outcome is not None:
            body = orjson.dumps({**params, "query": outcome})
            headers = [(k, v) for k, v in scope["headers"] if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            scope = {**scope, "headers": headers}
        await self.app(scope, _replay(body, rest, receive), send)

    def _resolve(self, query: object, extensions: object, document_id: object) -> _Outcome:
        persisted = extensions.get("persistedQuery") if isinstance(extensions, Mapping) else None
        if persisted is not None:
            return self._by_hash(query, persisted)
        if document_id is not None:
            return self._by_id(query, document_id)
        if query is not None and self.trusted.only:
            return _Refusal(
                ONLY_CODE,
                "This server runs only the documents its applications registered; send the "
                "document's hash in extensions.persistedQuery instead of its text.",
            )
        return None

    def _by_hash(self, query: object, persisted: object) -> _Outcome:
        """Apollo's form: a SHA-256 of the text, alone or with the text it hashes."""
        if not (
            isinstance(persisted, Mapping)
            and persisted.get("version") == 1
            and isinstance(persisted.get("sha256Hash"), str)
        ):
            return _Refusal(
                "BAD_REQUEST",
                "extensions.persistedQuery needs version 1 and a sha256Hash string.",
            )
        digest = str(persisted["sha256Hash"]).lower()
        if isinstance(query, str):
            if sha256_hex(query) != digest:
                return _Refusal(MISMATCH, "The query's SHA-256 is not the sha256Hash sent with it.")
            if self.trusted.only and self.trusted.text(digest) is None:
                return _Refusal(ONLY_CODE, "This document is not registered on this server.")
            return None
        if query is not None:
            return None  # a malformed query: the view refuses it (BAD_REQUEST)
        return self._registered(digest)

    def _by_id(self, query: object, document_id: object) -> _Outcome:
        """Relay's form (and the GraphQL-over-HTTP draft's): `documentId`, any registered id."""
        if not isinstance(document_id, str):
            return _Refusal("BAD_REQUEST", "documentId must be a string.")
        found = self._registered(document_id)
        if isinstance(found, str) and isinstance(query, str) and query != found:
            return _Refusal(MISMATCH, "The query is not the document registered under its id.")
        return found

    def _registered(self, document_id: str) -> _Outcome:
        text = self.trusted.text(document_id)
        if text is None:
            return _Refusal(NOT_FOUND, "PersistedQueryNotFound: no document has this id here.")
        return text


def _is_json(scope: Scope) -> bool:
    for name, value in scope["headers"]:
        if name.lower() == b"content-type":
            return bool(value.split(b";", 1)[0].strip().lower() == JSON.encode())
    return False


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    """The whole body (already bounded by the body limit), and any message that came after."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            # The client went away mid-body: the request context logs it as a 499.
            raise ClientDisconnect
        if message["type"] != "http.request":
            return b"".join(chunks), [message]
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), []


def _replay(body: bytes, rest: list[Message], receive: Receive) -> Receive:
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}, *rest]

    async def again() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return again


async def _refuse(refusal: _Refusal, scope: Scope, receive: Receive, send: Send) -> None:
    accept: Any = None
    for name, value in scope["headers"]:
        if name.lower() == b"accept":
            accept = value.decode("latin-1")
    media_type = negotiate(accept) or JSON
    response = JSONResponse(
        {"errors": [{"message": refusal.message, "extensions": {"code": refusal.code}}]},
        status_code=400,
        # A CDN must not keep a refusal: the next deploy may register the document.
        headers={"Cache-Control": "no-store"},
        media_type=f"{media_type}; charset=utf-8",
    )
    await response(scope, receive, send)
