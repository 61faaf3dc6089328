"""HTTP machinery around the GraphQL view, independent of its internals: the response
cache, request IDs and logs, metrics, health and readiness."""

# Where prometheus_client's multiprocess mode keeps each worker's samples; read when the
# library is imported, so `ediary serve` sets it before its workers start.
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
