"""Short typed codes: single-use, expiring, checked against their subject only, dead after a
few tries, and stored under a keyed digest."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from ediary.domain import models, one_time_codes
from ediary.domain.errors import TokenExhausted, TokenExpired, TokenInvalid, TokenUsed
from ediary.domain.one_time_codes import Policy

KEY = "a server secret for the tests"
POLICY = Policy(digits=6, lifetime=timedelta(minutes=10), max_attempts=3)


def _other(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


async def _try(purpose: str, subject: str, typed: str) -> models.OneTimeCode:
    attempt = await one_time_codes.count_attempt(purpose, subject)
    return await one_time_codes.spend(attempt, typed, KEY)


async def test_a_code_works_once_for_its_subject_and_purpose(database: str) -> None:
    code, row = await one_time_codes.issue(
        "test.sms", "+79120000001", KEY, POLICY, payload={"n": 1}
    )
    assert len(code) == 6 and code.isdigit()
    # Neither the code nor a plain digest of it is stored: all million would be tried.
    stored = await models.OneTimeCode.get(id=row.id)
    plain = {hashlib.sha256(code.encode()).hexdigest(), code}
    assert stored.code_hash not in plain and code not in stored.subject_hash
    with pytest.raises(TokenInvalid):
        await _try("test.sms", "+79120000002", code)
    with pytest.raises(TokenInvalid):
        await _try("test.other", "+79120000001", code)
    spent = await _try("test.sms", "+79120000001", f" {code[:3]} {code[3:]} ")
    assert spent.id == row.id and spent.payload == {"n": 1}
    with pytest.raises(TokenUsed):
        await _try("test.sms", "+79120000001", code)


async def test_every_try_counts_and_the_code_dies_at_the_limit(database: str) -> None:
    code, _ = await one_time_codes.issue("test.sms", "+79120000003", KEY, POLICY)
    for _ in range(POLICY.max_attempts):
        with pytest.raises(TokenInvalid):
            await _try("test.sms", "+79120000003", _other(code))
    with pytest.raises(TokenExhausted):
        await _try("test.sms", "+79120000003", code)


async def test_a_try_counts_even_when_its_transaction_rolls_back(database: str) -> None:
    code, row = await one_time_codes.issue("test.sms", "+79120000004", KEY, POLICY)
    attempt = await one_time_codes.count_attempt("test.sms", "+79120000004")
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await one_time_codes.spend(attempt, code, KEY)
            raise RuntimeError("the rest of the request failed")
    stored = await models.OneTimeCode.get(id=row.id)
    assert stored.used_at is None and stored.attempts == 1
    assert (await _try("test.sms", "+79120000004", code)).id == row.id


async def test_an_old_code_expires_and_a_new_one_replaces_it(database: str) -> None:
    first, row = await one_time_codes.issue("test.sms", "+79120000005", KEY, POLICY)
    await models.OneTimeCode.filter(id=row.id).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    with pytest.raises(TokenExpired):
        await _try("test.sms", "+79120000005", first)
    second, newer = await one_time_codes.issue("test.sms", "+79120000005", KEY, POLICY)
    if second != first:
        with pytest.raises(TokenInvalid):
            await _try("test.sms", "+79120000005", first)
    assert (await _try("test.sms", "+79120000005", second)).id == newer.id


async def test_a_new_code_expires_the_live_one_it_replaces(database: str) -> None:
    _, row = await one_time_codes.issue("test.sms", "+79120000007", KEY, POLICY)
    await one_time_codes.issue("test.sms", "+79120000007", KEY, POLICY)
    replaced = await models.OneTimeCode.get(id=row.id)
    assert replaced.used_at is None and replaced.expires_at <= datetime.now(UTC)


async def test_a_code_checked_under_another_secret_key_fails(database: str) -> None:
    code, _ = await one_time_codes.issue("test.sms", "+79120000006", KEY, POLICY)
    attempt = await one_time_codes.count_attempt("test.sms", "+79120000006")
    with pytest.raises(TokenInvalid):
        await one_time_codes.spend(attempt, code, "another secret")
