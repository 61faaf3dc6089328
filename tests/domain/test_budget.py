"""The hourly budget of query points: one upsert that never spends points twice."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from datetime import UTC, datetime, timedelta

from ediary.domain import budget
from ediary.domain.models import QueryBudget

NOW = datetime(2026, 11, 25, 10, 0, 30, tzinfo=UTC)


def key() -> str:
    return f"user:{uuid.uuid4().hex}"


async def test_points_are_spent_until_a_cost_does_not_fit(database: str) -> None:
    who = key()
    first = await budget.charge(who, 3, 5, NOW)
    assert (first.granted, first.spent, first.remaining) == (True, 3, 2)
    assert first.resets_at == NOW.replace(microsecond=0) + budget.WINDOW
    second = await budget.charge(who, 2, 5, NOW)
    assert (second.granted, second.spent, second.remaining) == (True, 5, 0)
    refused = await budget.charge(who, 1, 5, NOW + timedelta(minutes=5))
    assert (refused.granted, refused.spent) == (False, 5)
    assert refused.resets_at == first.resets_at


async def test_a_refused_cost_spends_nothing(database: str) -> None:
    who = key()
    await budget.charge(who, 4, 10, NOW)
    assert not (await budget.charge(who, 7, 10, NOW)).granted
    fits = await budget.charge(who, 6, 10, NOW)
    assert (fits.granted, fits.spent) == (True, 10)


async def test_a_cost_above_the_whole_budget_is_refused_on_a_fresh_key(database: str) -> None:
    refused = await budget.charge(key(), 11, 10, NOW)
    assert (refused.granted, refused.spent, refused.remaining) == (False, 0, 10)


async def test_the_budget_renews_when_the_window_is_over(database: str) -> None:
    who = key()
    spent = await budget.charge(who, 5, 5, NOW)
    assert not (await budget.charge(who, 1, 5, spent.resets_at - timedelta(seconds=1))).granted
    renewed = await budget.charge(who, 1, 5, spent.resets_at)
    assert (renewed.granted, renewed.spent) == (True, 1)
    assert renewed.resets_at == spent.resets_at + budget.WINDOW


async def test_concurrent_requests_never_spend_the_same_points_twice(database: str) -> None:
    who = key()
    charges = await asyncio.gather(*(budget.charge(who, 1, 7, NOW) for _ in range(20)))
    assert sum(c.granted for c in charges) == 7
    row = await QueryBudget.get(key_hash=hashlib.sha256(who.encode()).hexdigest())
    assert row.spent == 7


async def test_keys_keep_viewers_and_addresses_apart(database: str) -> None:
    assert budget.budget_key(7, "10.0.0.1") == "user:7"
    assert budget.budget_key(None, "10.0.0.1") == "address:10.0.0.1"


async def test_prune_deletes_budgets_whose_window_is_over(database: str) -> None:
    old, fresh = key(), key()
    await budget.charge(old, 1, 5, NOW - timedelta(days=2))
    await budget.charge(fresh, 1, 5, NOW)
    assert await budget.prune(NOW) >= 1
    digests = {hashlib.sha256(k.encode()).hexdigest(): k for k in (old, fresh)}
    left = await QueryBudget.filter(key_hash__in=list(digests)).values_list("key_hash", flat=True)
    assert [digests[d] for d in left] == [fresh]
