"""The hourly budget of query points of each viewer, or of each client address when logged out.

A request is charged its cost before it runs. When the cost does not fit in what is left of the
window, nothing is charged and the request is refused until the window resets. Spending is one
upsert, so concurrent requests on any number of server processes sharing the database never
spend the same points twice.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import ConfigurationError

from ediary.domain.errors import DomainError
from ediary.domain.models import QueryBudget

WINDOW = timedelta(hours=1)

# Every SET expression reads the row as it was before the statement, in PostgreSQL and in
# SQLite alike: the window check, the sum and the flag all see the old `spent`.
_UPSERT = """
INSERT INTO query_budget (key_hash, spent, resets_at, granted)
VALUES ({key}, CASE WHEN {cost} <= {limit} THEN {cost} ELSE 0 END, {resets}, {cost} <= {limit})
ON CONFLICT (key_hash) DO UPDATE SET
  spent = CASE
    WHEN query_budget.resets_at <= {now} THEN excluded.spent
    WHEN query_budget.spent + {cost} <= {limit} THEN query_budget.spent + {cost}
    ELSE query_budget.spent END,
  granted = CASE
    WHEN query_budget.resets_at <= {now} THEN excluded.granted
    ELSE query_budget.spent + {cost} <= {limit} END,
  resets_at = CASE
    WHEN query_budget.resets_at <= {now} THEN excluded.resets_at
    ELSE query_budget.resets_at END
RETURNING spent, resets_at, granted
"""


def _upsert(dialect: str) -> str:
    # Numbered parameters, typed: PostgreSQL cannot infer a type for a bare parameter in CASE.
    mark = "?" if dialect == "sqlite" else "$"
    return _UPSERT.format(
        key=f"{mark}1",
        cost=f"CAST({mark}2 AS INTEGER)",
        limit=f"CAST({mark}3 AS INTEGER)",
        resets=f"CAST({mark}4 AS BIGINT)",
        now=f"CAST({mark}5 AS BIGINT)",
    )


class RateLimited(DomainError):
    code = "RATE_LIMITED"

    def __init__(self, charge: Charge) -> None:
        super().__init__(
            f"This request costs {charge.cost} points and {charge.remaining} of the "
            f"{charge.limit} points of this hour are left. The budget renews at "
            f"{charge.resets_at.isoformat().replace('+00:00', 'Z')}."
        )
        self.charge = charge

    @property
    def extensions(self) -> dict[str, str | int]:
        # retryAfter as well as resetAt: the same key as every other limiter's refusal, and
        # what the HTTP layer turns into a Retry-After header.
        wait = math.ceil((self.charge.resets_at - datetime.now(UTC)).total_seconds())
        return {
            "resetAt": self.charge.resets_at.isoformat().replace("+00:00", "Z"),
            "retryAfter": max(1, wait),
        }


@dataclass(frozen=True)
class Charge:
    """What one request was charged, and what is left of its window."""

    cost: int
    limit: int
    spent: int
    resets_at: datetime
    granted: bool

    @property
    def remaining(self) -> int:
        return max(self.limit - self.spent, 0)


def budget_key(user_id: int | None, address: str) -> str:
    return f"user:{user_id}" if user_id is not None else f"address:{address}"


async def charge(key: str, cost: int, limit: int, now: datetime | None = None) -> Charge | None:
    """Spend `cost` points of the key's window if they fit; one SQL statement.

    None when the application runs without a database at all (embedded, answering only
    questions that need none): there is nowhere to keep a budget."""
    moment = int((now or datetime.now(UTC)).timestamp())
    try:
        client = QueryBudget._meta.db
    except ConfigurationError:
        return None
    digest = hashlib.sha256(key.encode()).hexdigest()
    values = [digest, cost, limit, moment + int(WINDOW.total_seconds()), moment]
    # The dict variant: the PostgreSQL client drops the rows of statements starting with INSERT.
    rows = await client.execute_query_dict(_upsert(client.capabilities.dialect), values)
    spent, resets_at, granted = rows[0]["spent"], rows[0]["resets_at"], rows[0]["granted"]
    return Charge(
        cost=cost,
        limit=limit,
        spent=int(spent),
        resets_at=datetime.fromtimestamp(int(resets_at), UTC),
        granted=bool(granted),
    )


async def prune(now: datetime | None = None) -> int:
    """Delete budgets whose window is over; returns how many went."""
    moment = int((now or datetime.now(UTC)).timestamp())
    return await QueryBudget.filter(resets_at__lte=moment).delete()
