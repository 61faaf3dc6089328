"""Prometheus metrics: requests by route and GraphQL operation, errors by code, the pool,
the response cache's hits and misses, live subscriptions, the delivery worker's rounds.

With several workers (`ediary serve --workers N`) each process writes its samples to files in
PROMETHEUS_MULTIPROC_DIR and `/metrics` adds them up, whichever worker answers the scrape;
`ediary serve` sets that directory up. The variable must be set before this module is
imported, which is why the command does it before loading the application.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
import struct
from collections.abc import Iterator

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess
from starlette.requests import Request
from starlette.responses import Response
from strawberry.extensions import SchemaExtension
from tortoise import connections
from tortoise.backends.sqlite.client import SqliteClient

from ediary.adapters.http import error_response
from ediary.config import Settings
from ediary.server import MULTIPROC_ENV
from ediary.server.requests import Observer, RequestInfo, current_request

log = logging.getLogger("ediary.metrics")

REQUESTS = Counter(
    "ediary_http_requests_total",
    "HTTP requests answered, by route template, GraphQL operation name and status.",
    ["method", "route", "operation", "status"],
)
LATENCY = Histogram(
    "ediary_http_request_duration_seconds",
    "Time to answer an HTTP request, by route template and GraphQL operation name.",
    ["route", "operation"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
GRAPHQL_ERRORS = Counter(
    "ediary_graphql_errors_total",
    "Errors in GraphQL responses, by operation name and extensions.code.",
    ["operation", "code"],
)
# Summed over live workers: each reports its own pool.
POOL = Gauge(
    "ediary_db_pool_connections",
    "Database connections of the server processes: open, in_use and max (the pool's limit).",
    ["state"],
    multiprocess_mode="livesum",
)

# Counted by the response cache (`ediary.server.response_cache`), per worker and summed: each
# worker keeps its own answers, so a worker's hit rate is its own too.
RESPONSE_CACHE_LOOKUPS = Counter(
    "ediary_response_cache_lookups_total",
    "Queries of logged-in users looked up in the response cache, by result (hit, miss).",
    ["result"],
)
RESPONSE_CACHE_MISSES = Counter(
    "ediary_response_cache_misses_total",
    "Lookups that missed, by reason: absent (nothing kept under the key, or evicted) or"
    " stale (kept, but the data it was made from has changed).",
    ["reason"],
)
RESPONSE_CACHE_STORES = Counter(
    "ediary_response_cache_stores_total",
    "Answers kept by the response cache.",
)
RESPONSE_CACHE_EVICTIONS = Counter(
    "ediary_response_cache_evictions_total",
    "Kept answers dropped to make room for newer ones (least recently used first).",
)
RESPONSE_CACHE_BYTES = Gauge(
    "ediary_response_cache_bytes",
    "Bytes the kept answers take, summed over the live workers.",
    multiprocess_mode="livesum",
)

# Set by the broker whenever a subscription starts or ends (`count_live_subscriptions`).
LIVE_SUBSCRIPTIONS = Gauge(
    "ediary_live_subscriptions",
    "GraphQL subscriptions listening for changes, summed over the live workers.",
    multiprocess_mode="livesum",
)


def count_live_subscriptions(count: int) -> None:
    """Record how many subscriptions this process has listening."""
    LIVE_SUBSCRIPTIONS.set(count)


# With read replicas (ediary.domain.replicas). The largest over the live workers: each polls
# the same replicas, so a sum would count each replica once per worker.
REPLICAS = Gauge(
    "ediary_db_replicas",
    "Read replicas this server may read on (fit) and those left out (down or lagging).",
    ["state"],
    multiprocess_mode="livemax",
)
REPLICA_QUERIES = Counter(
    "ediary_replica_queries_total",
    "GraphQL queries of sessions read on a replica, or on the primary because none was fit "
    "(down, lagging, behind the session's own writes).",
    ["read_on"],
)


def sample_replicas(fit: int, left_out: int) -> None:
    """Record, after a poll, how many replicas this process may read on."""
    REPLICAS.labels(state="fit").set(fit)
    REPLICAS.labels(state="left_out").set(left_out)


def count_replica_query(read_on: str) -> None:
    REPLICA_QUERIES.labels(read_on=read_on).inc()


DELIVERY_ROUNDS = Counter(
    "ediary_delivery_rounds_total",
    "Rounds of the delivery worker through the outbox (each after a commit or a poll).",
)
NOTIFICATIONS_SENT = Counter(
    "ediary_notifications_sent_total",
    "Notifications the delivery worker handed to a channel (e-mail, SMS, push) and saw accepted.",
)


def count_delivery_round(sent: int) -> None:
    """Record one finished round of the delivery worker and what it sent."""
    DELIVERY_ROUNDS.inc()
    NOTIFICATIONS_SENT.inc(sent)


# Operation names are chosen by clients; a bounded set keeps the series count bounded.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")
MAX_OPERATION_NAMES = 200
OTHER = "other"
ANONYMOUS = "anonymous"
_seen_names: set[str] = set()


def operation_label(name: str | None) -> str:
    if name is None:
        return ANONYMOUS
    if not _NAME.fullmatch(name):
        return OTHER
    if name not in _seen_names:
        if len(_seen_names) >= MAX_OPERATION_NAMES:
            return OTHER
        _seen_names.add(name)
    return name


class OperationMetrics(SchemaExtension):
    """Names the GraphQL operation of the request for its metrics and access log line.

    The errors' codes are read after the response is built, by which time ErrorCodes (which
    exits after this extension) has given every error its code."""

    def on_operation(self) -> Iterator[None]:
        yield
        info = current_request.get()
        if info is None:
            return  # a subscription over WebSocket: not an HTTP request
        context = self.execution_context
        info.operation = operation_label(context.operation_name)
        try:
            info.operation_type = context.operation_type.value
        except Exception:
            info.operation_type = None  # the document did not parse
        info.graphql_result = context.result


class PrometheusObserver(Observer):
    def finished(self, info: RequestInfo, route: str, status: int, seconds: float) -> None:
        operation = info.operation or ""
        REQUESTS.labels(info.method, route, operation, str(status)).inc()
        LATENCY.labels(route, operation).observe(seconds)
        for code in info.error_codes():
            GRAPHQL_ERRORS.labels(operation, code).inc()
        sample_pool()


def sample_pool() -> None:
    """Record this process's database connections (asyncpg pool, or SQLite's one)."""
    try:
        client = connections.get("default")
    except Exception:
        return  # not connected (yet)
    if isinstance(client, SqliteClient):
        # One connection per process, taken in turns.
        POOL.labels("open").set(1 if client._connection is not None else 0)
        POOL.labels("in_use").set(1 if client._lock.locked() else 0)
        POOL.labels("max").set(1)
        return
    pool = getattr(client, "_pool", None)  # asyncpg's, made at the first query
    if pool is not None:
        open_ = pool.get_size()
        POOL.labels("open").set(open_)
        POOL.labels("in_use").set(open_ - pool.get_idle_size())
        POOL.labels("max").set(pool.get_max_size())
    elif isinstance(getattr(client, "pool_maxsize", None), int):
        POOL.labels("open").set(0)
        POOL.labels("in_use").set(0)
        POOL.labels("max").set(client.pool_maxsize)


def multiprocess_dir() -> str | None:
    return os.environ.get(MULTIPROC_ENV) or None


def registry() -> CollectorRegistry:
    found = multiprocess_dir()
    if found is None:
        return REGISTRY
    combined = CollectorRegistry()
    prometheus_multiprocess.MultiProcessCollector(combined, path=found)  # type: ignore[no-untyped-call]
    return combined


def served(settings: Settings) -> bool:
    """Whether /metrics answers at all: production needs a token for it."""
    return settings.metrics and (bool(settings.metrics_token) or not settings.production)


async def metrics_endpoint(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    if not served(settings):
        return error_response(404, "NOT_FOUND", "There is nothing at this address.")
    if settings.metrics_token:
        sent = request.headers.get("authorization", "")
        expected = f"Bearer {settings.metrics_token}"
        if not hmac.compare_digest(sent.encode(), expected.encode()):
            return error_response(
                401,
                "UNAUTHENTICATED",
                "Send the metrics token as a bearer token.",
                {"WWW-Authenticate": "Bearer"},
            )
    sample_pool()
    return Response(await exposition(), media_type=CONTENT_TYPE_LATEST)


SCRAPE_ATTEMPTS = 10


async def exposition() -> bytes:
    """The samples in Prometheus's text format."""
    for attempt in range(SCRAPE_ATTEMPTS):
        try:
            return generate_latest(registry())
        except struct.error:
            # A worker creates its samples file and then sizes it: a scrape in between (a
            # worker's first request, or a restarted worker's) finds it empty. It is sized
            # a moment later.
            if attempt == SCRAPE_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.02)
    raise AssertionError("unreachable")


def worker_stopped() -> None:
    """Drop this process's live gauges from the sums (multiprocess mode only)."""
    if multiprocess_dir() is not None:
        prometheus_multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
