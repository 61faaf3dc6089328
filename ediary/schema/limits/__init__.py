"""Limits on GraphQL documents and the hourly query budget (docs/api.md, "Limits")."""

from ediary.schema.limits.extension import QueryLimits
from ediary.schema.limits.rate import RateLimit, RateLimitQuery
from ediary.schema.limits.timeout import RequestTimeout, TimedSchema

__all__ = ["QueryLimits", "RateLimit", "RateLimitQuery", "RequestTimeout", "TimedSchema"]
