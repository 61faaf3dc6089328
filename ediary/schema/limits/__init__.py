"""Limits on GraphQL documents and the hourly query budget (docs/api.md, "Limits")."""

from ediary.schema.limits.extension import QueryLimits, RequestTimeout
from ediary.schema.limits.rate import RateLimit, RateLimitQuery

__all__ = ["QueryLimits", "RateLimit", "RateLimitQuery", "RequestTimeout"]
