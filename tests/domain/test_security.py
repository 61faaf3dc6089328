"""The core rate limiter, single-use tokens and the password rules (NIST 800-63B)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from tortoise.transactions import in_transaction

from ediary.domain import models, ratelimit, tokens
from ediary.domain.errors import (
    PasswordTooCommon,
    PasswordTooLong,
    PasswordTooShort,
    TokenExpired,
    TokenInvalid,
    TokenUsed,
    TooManyAttempts,
)
from ediary.domain.passwords import MAX_LENGTH, check_new_password

LIMIT = ratelimit.Limit(attempts=3, window=timedelta(minutes=10), lock=timedelta(minutes=5))


async def test_a_key_locks_at_the_limit_and_other_keys_do_not(database: str) -> None:
    for _ in range(2):
        await ratelimit.attempt("test.scope", "alpha", LIMIT)
    await ratelimit.attempt("test.scope", "alpha", LIMIT)  # the third is still allowed
    with pytest.raises(TooManyAttempts) as refused:
        await ratelimit.attempt("test.scope", "alpha", LIMIT)
    # The lock started at the third attempt and lasts five minutes.
    assert refused.value.retry_after is not None and 295 <= refused.value.retry_after <= 300
    with pytest.raises(TooManyAttempts):
        await ratelimit.ensure_allowed("test.scope", "alpha", LIMIT)
    await ratelimit.ensure_allowed("test.scope", "beta", LIMIT)
    await ratelimit.ensure_allowed("other.scope", "alpha", LIMIT)
    await ratelimit.reset("test.scope", "alpha")
    await ratelimit.ensure_allowed("test.scope", "alpha", LIMIT)


async def test_a_given_back_attempt_does_not_count(database: str) -> None:
    for _ in range(5):
        await ratelimit.attempt("test.give_back", "k", LIMIT)
        await ratelimit.give_back("test.give_back", "k")
    assert (await models.RateLimit.get(scope="test.give_back")).attempts == 0


async def test_a_refusal_gives_back_what_the_earlier_counters_took(database: str) -> None:
    first = ratelimit.Counter("test.all.first", "k", LIMIT)
    second = ratelimit.Counter("test.all.second", "k", ratelimit.Limit(1, LIMIT.window, LIMIT.lock))
    await ratelimit.attempt_all([first, second])
    with pytest.raises(TooManyAttempts):
        await ratelimit.attempt_all([first, second])
    assert (await models.RateLimit.get(scope="test.all.first")).attempts == 1


async def test_keys_are_stored_as_digests(database: str) -> None:
    await ratelimit.record("test.digest", "192.0.2.7", LIMIT)
    row = await models.RateLimit.get(scope="test.digest")
    assert "192.0.2.7" not in row.key_hash and len(row.key_hash) == 64


async def test_attempts_outside_the_window_start_a_new_count(database: str) -> None:
    await ratelimit.record("test.window", "k", LIMIT)
    await ratelimit.record("test.window", "k", LIMIT)
    await models.RateLimit.filter(scope="test.window").update(
        resets_at=int(datetime.now(UTC).timestamp()) - 1
    )
    await ratelimit.record("test.window", "k", LIMIT)
    row = await models.RateLimit.get(scope="test.window")
    assert row.attempts == 1 and row.resets_at > datetime.now(UTC).timestamp() + 500
    assert await ratelimit.prune(datetime.now(UTC) + timedelta(hours=1)) >= 1


async def test_concurrent_attempts_are_all_counted(database: str) -> None:
    many = ratelimit.Limit(attempts=100, window=timedelta(minutes=10), lock=timedelta(minutes=1))
    await asyncio.gather(*(ratelimit.record("test.race", "k", many) for _ in range(8)))
    assert (await models.RateLimit.get(scope="test.race")).attempts == 8


async def test_a_token_is_spent_once(database: str) -> None:
    secret, token = await tokens.issue("test.once", timedelta(minutes=5), payload={"n": 1})
    assert token.token_hash != secret and secret not in token.token_hash
    spent = await tokens.consume("test.once", secret)
    assert spent.payload == {"n": 1}
    with pytest.raises(TokenUsed):
        await tokens.consume("test.once", secret)


async def test_tokens_are_bound_to_their_purpose_and_refuse_tampering(database: str) -> None:
    secret, _ = await tokens.issue("test.purpose", timedelta(minutes=5))
    with pytest.raises(TokenInvalid):
        await tokens.consume("test.other-purpose", secret)
    with pytest.raises(TokenInvalid):
        await tokens.consume("test.purpose", secret[:-1] + ("A" if secret[-1] != "A" else "B"))
    await tokens.consume("test.purpose", secret)


async def test_expired_tokens_are_refused(database: str) -> None:
    secret, _ = await tokens.issue("test.expired", timedelta(seconds=-1))
    with pytest.raises(TokenExpired):
        await tokens.consume("test.expired", secret)


async def test_a_rolled_back_transaction_leaves_the_token_unspent(database: str) -> None:
    secret, _ = await tokens.issue("test.rollback", timedelta(minutes=5))
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await tokens.consume("test.rollback", secret)
            raise RuntimeError("the rest of the request failed")
    await tokens.consume("test.rollback", secret)


async def test_of_concurrent_spends_exactly_one_wins(database: str) -> None:
    secret, _ = await tokens.issue("test.race", timedelta(minutes=5))
    results = await asyncio.gather(
        *(tokens.consume("test.race", secret) for _ in range(5)), return_exceptions=True
    )
    assert sum(not isinstance(r, BaseException) for r in results) == 1
    assert all(isinstance(r, TokenUsed) for r in results if isinstance(r, BaseException))


@pytest.mark.parametrize(
    ("password", "error"),
    [
        ("short", PasswordTooShort),
        ("1234567", PasswordTooShort),
        ("x" * (MAX_LENGTH + 1), PasswordTooLong),
        ("password", PasswordTooCommon),
        ("Qwerty123", PasswordTooCommon),
        ("йцукенгш", PasswordTooCommon),
        ("aaaaaaaaaaaa", PasswordTooCommon),
        ("ababababab", PasswordTooCommon),
        ("natalia.k@example.org", PasswordTooCommon),
    ],
)
def test_weak_passwords_are_refused(password: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        check_new_password(password, login="natalia.k@example.org")


@pytest.mark.parametrize(
    "password",
    [
        "correct horse battery staple",  # spaces are allowed
        "alllowercase",  # no composition rules
        "пароль от дневника",  # any script
        "the quick brown fox " * 4,  # at least 64 characters are accepted
        ("abc" * MAX_LENGTH)[:MAX_LENGTH],
    ],
)
def test_long_or_plain_passwords_are_accepted(password: str) -> None:
    assert check_new_password(password) == password


def test_passwords_are_compared_in_one_unicode_form() -> None:
    # "e" + combining acute and the precomposed "é" are the same password.
    assert check_new_password("caf\u0065\u0301 au lait") == check_new_password("café au lait")
