"""The `rateLimit` query field: what this request cost and what is left of the hour."""

from __future__ import annotations

import datetime

import strawberry
from starlette.responses import Response

from ediary.schema.info import Info


@strawberry.type(
    description="The hourly query budget of the viewer, or of the client address when logged out."
)
class RateLimit:
    cost: int = strawberry.field(description="Points this request was charged.")
    limit: int = strawberry.field(description="Points the viewer may spend per hour.")
    remaining: int = strawberry.field(description="Points left until the budget renews.")
    reset_at: datetime.datetime = strawberry.field(description="When the budget renews, in UTC.")
    node_count: int = strawberry.field(
        description="The most objects this request may return, as its cost counts them."
    )


@strawberry.type
class RateLimitQuery:
    @strawberry.field(
        description="The cost of this request and the budget left (see the API guide, Limits); "
        "null when the server keeps no budget."
    )
    def rate_limit(self, info: Info) -> RateLimit | None:
        response = info.context.response
        if isinstance(response, Response):
            # The budget changes with every request: an answer naming it must not be kept
            # by the response cache (or anyone else's).
            response.headers["cache-control"] = "no-store"
        charge = info.context.charge
        if charge is None:
            return None
        return RateLimit(
            cost=charge.cost,
            limit=charge.limit,
            remaining=charge.remaining,
            reset_at=charge.resets_at,
            node_count=info.context.query_nodes,
        )
