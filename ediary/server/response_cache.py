"""Answers of GraphQL queries kept in process memory and served again while the data they
were made from is unchanged.

An ASGI middleware around the GraphQL endpoint, so it knows nothing of the view: it reads
the request, decides whether it is a query it may keep, and stores the bytes the view sent.
Credentials come first: a request without a live session is passed on unread, so nothing an
anonymous client sends is read or kept here. Every request with credentials is checked in
one SQL statement that resolves the session (so a logout or a revoked session takes effect
at once, whatever is kept), reads the data version, which database triggers move on every
write from any process (`ediary.domain.dataversion`), and reads the account's ties, from
which the view makes its viewer when no answer is kept.

An answer is kept per account, document, variables, operation name, requested media type
and local date (answers depend on the date: forecasts, a parent's look-back window), and
only if it was a 200 without errors, cookies or `Cache-Control: no-store`. The version read
before the view ran is stored with it (on SQLite, moved on by the request's own query-budget
row, which SQLite's counters include), so a write that lands while the view runs makes the
answer stale rather than kept as current.

On PostgreSQL an answer may instead be kept under its fine version: the base version (every
table but the scoped ones) and the versions of the students whose marks, attendance and
remarks it read (`ediary.domain.dataversion`), so that a mark given to one pupil leaves
other pupils' answers kept. Only when everything it read is known: the document selects
only fields that read students' records through the domain's declarations
(`ediary.schema.reads`), and the domain declared those students (`ediary.domain.reads`).
The session's statement reads, besides the coarse version, the base version and the
versions of the account and its wards, so a family's kept week is checked in that one
statement; other students' versions cost one more statement, read only for an entry kept
under a fine version. Every other answer keeps the coarse version, as does SQLite.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError, OperationDefinitionNode, OperationType, parse
from starlette.datastructures import QueryParams
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from tortoise import connections

from ediary.adapters.http import (
    READ_ON_REPLICA,
    RESOLVED_SESSION,
    UNCOUNTED_WRITES,
    credentials,
)
from ediary.config import Settings
from ediary.domain import auth, dataversion, reads, replicas
from ediary.domain.errors import SessionExpired
from ediary.server.metrics import (
    RESPONSE_CACHE_BYTES,
    RESPONSE_CACHE_EVICTIONS,
    RESPONSE_CACHE_LOOKUPS,
    RESPONSE_CACHE_MISSES,
    RESPONSE_CACHE_STORES,
)
from ediary.server.text_cache import TextCache

log = logging.getLogger(__name__)

# Account, document, variables, operation name, Accept, local date.
Key = tuple[int, str, bytes, str | None, str, date]
# Bookkeeping per entry beyond its bytes: the key, the header list, the LRU links.
_OVERHEAD = 512
_JSON_TYPES = (b"application/json", b"application/graphql-response+json")
# Operation types of the documents logged-in users sent: the bytes they may take, and the
# longest document worth keeping one for (the apps' queries are a few kilobytes).
OPERATION_TYPES_BYTES = 4 * 1024 * 1024
OPERATION_TYPES_MAX_CHARS = 64 * 1024


@dataclass(frozen=True)
class Entry:
    # The coarse version, or the fine one when `students` is set.
    version: str
    headers: list[tuple[bytes, bytes]]
    body: bytes
    key_size: int
    # The students whose records the answer read, when it is kept under its fine version.
    students: frozenset[int] | None = None

    @property
    def size(self) -> int:
        headers = sum(len(k) + len(v) for k, v in self.headers)
        return len(self.body) + headers + self.key_size + _OVERHEAD


class _Entries(LRUCache[Key, Entry]):
    """The kept answers, counting in /metrics the ones dropped to make room."""

    def popitem(self) -> tuple[Key, Entry]:
        found = super().popitem()
        RESPONSE_CACHE_EVICTIONS.inc()
        return found


# Whether a document reads students' records only for the students the domain declares.
DeclaredReads = Callable[[DocumentNode], bool]


@dataclass(frozen=True)
class _Kind:
    operation: OperationType
    # Whether the answer may be kept under its fine version.
    declared: bool


def _operation_type(
    document: str, operation_name: str | None, max_tokens: int, declared: DeclaredReads | None
) -> _Kind | None:
    """The type of the operation a request runs, None when it cannot be told (the view
    then answers the error itself). The parser stops at the token limit, as the schema's
    does: an oversized document must not be read through here either."""
    try:
        parsed = parse(document, no_location=True, max_tokens=max_tokens)
    except GraphQLError:
        return None
    operations = [d for d in parsed.definitions if isinstance(d, OperationDefinitionNode)]
    found: OperationType | None = None
    if operation_name is None:
        found = operations[0].operation if len(operations) == 1 else None
    else:
        for operation in operations:
            if operation.name is not None and operation.name.value == operation_name:
                found = operation.operation
                break
    if found is None:
        return None
    fine = found == OperationType.QUERY and declared is not None and declared(parsed)
    return _Kind(found, fine)


@dataclass(frozen=True)
class _Request:
    document: str
    variables: bytes
    operation_name: str | None
    # Set by the cache once it knows the document (see _Kind.declared).
    declared: bool = False


def _from_params(params: dict[str, Any]) -> _Request | None:
    document = params.get("query")
    variables = params.get("variables") or {}
    name = params.get("operationName")
    if (
        not isinstance(document, str)
        or not isinstance(variables, dict)
        or not (name is None or isinstance(name, str))
    ):
        return None
    # Sorted keys: the same variables in another order are the same question.
    return _Request(document, orjson.dumps(variables, option=orjson.OPT_SORT_KEYS), name)


def _from_query_string(params: QueryParams) -> _Request | None:
    found: dict[str, Any] = {"query": params.get("query"), "operationName": None}
    if "operationName" in params:
        found["operationName"] = params["operationName"]
    if "variables" in params:
        try:
            found["variables"] = orjson.loads(params["variables"])
        except orjson.JSONDecodeError:
            return None
    return _from_params(found)


class ResponseCache:
    """ASGI middleware keeping answers of queries; see the module's description."""

    def __init__(
        self,
        app: ASGIApp,
        settings: Settings,
        *,
        today: Callable[[], date] | None = None,
        declared_reads: DeclaredReads | None = None,
    ) -> None:
        self.app = app
        self.capacity = settings.response_cache_bytes
        self.max_tokens = settings.max_query_tokens
        self.declared_reads = declared_reads
        self.operation_types: TextCache[_Kind] = TextCache(
            OPERATION_TYPES_BYTES, per_char=0, max_chars=OPERATION_TYPES_MAX_CHARS
        )
        self.entries = _Entries(maxsize=max(self.capacity, 1), getsizeof=lambda entry: entry.size)
        self.today = today or settings.school_today
        # Decided at the first request: whether every table moves the version.
        self.usable: bool | None = None if self.capacity > 0 else False
        self.hits = 0
        self.misses = 0
        # Of the hits, those of answers kept under their fine version.
        self.fine_hits = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.usable is False or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        found = credentials(connection)
        if found is None or not _may_be_query(connection):
            # Credentials before the body: what an anonymous client sends is neither read
            # nor kept here (no one's diary, and nothing of theirs may outlive the request).
            await self.app(scope, receive, send)
            return
        if self.usable is None:
            self.usable = await self._check_triggers()
        if not self.usable:
            await self.app(scope, receive, send)
            return
        token, kind = found
        try:
            resolved, seen = await auth.resolve_session_at_version(token)
        except SessionExpired:
            resolved = None
        if (
            resolved is None
            or resolved.session.kind != kind
            or resolved.session.must_change_password
        ):
            # The view answers the refusal; nothing is read or served from memory. A session
            # bound to change its password is refused nearly everything, never served the
            # answers kept for the account's other sessions.
            await self.app(scope, receive, send)
            return
        # The view makes its viewer from these ties: a miss reads the session only once.
        scope[RESOLVED_SESSION] = (token, resolved)
        replay: list[Message] = []
        question = await self._question(connection, receive, replay)
        if question is None:
            await self.app(scope, _replaying(replay, receive), send)
            return
        key: Key = (
            resolved.session.user_id,
            question.document,
            question.variables,
            question.operation_name,
            connection.headers.get("accept", ""),
            self.today(),
        )
        entry = self.entries.get(key)
        # Versions of students read before the view runs: the account's and its wards' with
        # the session, and those of a kept entry's students.
        known = dict(seen.students)
        if entry is not None and entry.students is not None and seen.base is not None:
            unread = entry.students - known.keys()
            if unread:
                # Another student's week (a teacher's look): one more statement, made only
                # for an entry kept under its fine version.
                _, _, more = await dataversion.student_versions(connections.get("default"), unread)
                known.update(more)
            current = dataversion.fine_version(seen.base, known, entry.students)
        else:
            current = seen.coarse
        if entry is not None and entry.version == current:
            self.hits += 1
            self.fine_hits += entry.students is not None
            RESPONSE_CACHE_LOOKUPS.labels("hit").inc()
            await send({"type": "http.response.start", "status": 200, "headers": entry.headers})
            await send({"type": "http.response.body", "body": entry.body})
            return
        self.misses += 1
        RESPONSE_CACHE_LOOKUPS.labels("miss").inc()
        RESPONSE_CACHE_MISSES.labels("absent" if entry is None else "stale").inc()
        receive = _replaying(replay, receive)
        if not question.declared or seen.base is None:
            await self._run_and_keep(scope, receive, send, key, seen.coarse)
            return
        with reads.collecting() as students:
            stored = await self._run_and_keep(scope, receive, send, key, seen.coarse)
        if stored is not None and students:
            await self._refine(key, stored, seen, known, frozenset(students))

    async def _refine(
        self,
        key: Key,
        stored: Entry,
        seen: dataversion.Seen,
        known: dict[int, int],
        students: frozenset[int],
    ) -> None:
        """Keep an answer that declared the students it read under its fine version.

        The version must be one read before the view ran, so that a write landing while it
        ran leaves the answer stale, never kept as current; the counters only grow, so any
        such write moves the version past the one stored, for good. The base came with the
        session, before the view; so did the versions of the students in `known`. For a
        student read only now (after the view), the session's coarse version is read again
        in the same statement: if it has not moved, nothing was committed in between (every
        counter only grows, and the coarse version is their sum), so the versions read now
        are those of before the view. If it has moved, the answer is kept under a version
        that never matches, with its students: the next lookup reads their versions before
        its view, and keeps that answer."""
        assert seen.base is not None
        base = seen.base
        if not students <= known.keys():
            coarse, _, more = await dataversion.student_versions(
                connections.get("default"), students - known.keys()
            )
            known = {**known, **more}
            if coarse != seen.coarse:
                base = ""
        version = dataversion.fine_version(base, known, students) if base else ""
        fine = Entry(version, stored.headers, stored.body, stored.key_size, students)
        if self.entries.get(key) is stored:
            self.entries[key] = fine

    async def _check_triggers(self) -> bool:
        missing = await dataversion.uncovered_tables(connections.get("default"))
        if missing:
            log.warning(
                "Response cache off: writes to %s would not be noticed; run `ediary migrate`.",
                ", ".join(missing),
            )
        return not missing

    async def _question(
        self, connection: HTTPConnection, receive: Receive, replay: list[Message]
    ) -> _Request | None:
        """The query the request asks, when it is one that may be kept."""
        if connection.scope["method"] == "GET":
            question = _from_query_string(connection.query_params)
        else:
            body = await _read_body(receive, replay)
            try:
                params = orjson.loads(body)
            except orjson.JSONDecodeError:
                return None
            question = _from_params(params) if isinstance(params, dict) else None
        if question is None:
            return None
        details = (question.operation_name, self.max_tokens)
        kind = self.operation_types.get(question.document, details)
        if kind is None:
            kind = _operation_type(
                question.document, question.operation_name, self.max_tokens, self.declared_reads
            )
            if kind is not None:
                self.operation_types.put(question.document, kind, details)
        if kind is None or kind.operation != OperationType.QUERY:
            return None
        return dataclasses.replace(question, declared=kind.declared)

    async def _run_and_keep(
        self, scope: Scope, receive: Receive, send: Send, key: Key, version: str
    ) -> Entry | None:
        """Run the view and keep its answer under `version` if it may be kept; the entry."""
        start: Message | None = None
        chunks: list[bytes] = []
        keep = True

        async def capture(message: Message) -> None:
            nonlocal start, keep
            if message["type"] == "http.response.start":
                start = message
                keep = message["status"] == 200 and _keepable(message["headers"])
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, capture)
        if keep and start is not None:
            if not replicas.version_reached(version, scope.get(READ_ON_REPLICA)):
                return None
            # SQLite's version also counts the rows this request wrote to the query budget:
            # keep the answer under the version that follows them. If anything else was
            # written meanwhile (here or by another process) the version is past that one
            # for good, and the entry is never served.
            writes = int(scope.get(UNCOUNTED_WRITES, 0))
            version = dataversion.after_uncounted_writes(version, writes)
            return self._store(key, version, start, b"".join(chunks))
        return None

    def _store(self, key: Key, version: str, start: Message | None, body: bytes) -> Entry | None:
        if start is None or _has_errors(body):
            return None
        key_size = len(key[1]) + len(key[2]) + len(key[3] or "") + len(key[4])
        entry = Entry(version, list(start["headers"]), body, key_size)
        if entry.size > self.capacity:
            return None
        self.entries[key] = entry
        RESPONSE_CACHE_STORES.inc()
        RESPONSE_CACHE_BYTES.set(self.entries.currsize)
        return entry


def _may_be_query(connection: HTTPConnection) -> bool:
    """A GET, or a POST of JSON: multipart uploads and other methods are never kept."""
    method = connection.scope["method"]
    if method == "GET":
        return True
    content_type = connection.headers.get("content-type", "")
    return method == "POST" and content_type.startswith("application/json")


def _keepable(headers: list[tuple[bytes, bytes]]) -> bool:
    content_type = b""
    for name, value in headers:
        lowered = name.lower()
        if lowered == b"set-cookie":
            return False
        if lowered == b"cache-control" and b"no-store" in value.lower():
            return False
        if lowered == b"content-type":
            content_type = value.split(b";", 1)[0].strip().lower()
    return content_type in _JSON_TYPES


def _has_errors(body: bytes) -> bool:
    try:
        result = orjson.loads(body)
    except orjson.JSONDecodeError:
        return True
    return not isinstance(result, dict) or "errors" in result


async def _read_body(receive: Receive, replay: list[Message]) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        replay.append(message)
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replaying(replay: list[Message], receive: Receive) -> Receive:
    """The request's messages again for the view, then the live channel (disconnects)."""
    pending = list(replay)

    async def again() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return again
