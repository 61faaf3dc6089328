"""Password login, sessions and the throttle on failed attempts."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from ediary.domain.errors import InvalidCredentials, SessionExpired, TooManyAttempts
from ediary.domain.models import LoginThrottle, Session, User

# argon2-cffi's defaults are Argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()


class SessionKind:
    COOKIE = "cookie"
    BEARER = "bearer"


@dataclass(frozen=True)
class ThrottlePolicy:
    failures_before_lock: int = 5
    lock: timedelta = timedelta(minutes=5)


@dataclass(frozen=True)
class OpenedSession:
    token: str
    csrf_token: str
    expires_at: datetime


def hash_password(password: str) -> str:
    return _hasher.hash(password)


@cache
def _unknown_user_hash() -> str:
    # Verifying against a real hash for unknown logins keeps the answer time the same,
    # so timing does not tell which logins exist.
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _unknown_user_hash(), password)
    except (VerificationError, InvalidHashError):
        return False


def _now() -> datetime:
    return datetime.now(UTC)


def normalize_login(login: str) -> str:
    return login.strip().lower()


async def authenticate(
    login: str, password: str, throttle: ThrottlePolicy = ThrottlePolicy()
) -> User:
    """The active user with this login and password; one generic error for every mismatch."""
    key = normalize_login(login)
    state = await LoginThrottle.get_or_none(login=key)
    if state and state.locked_until and state.locked_until > _now():
        raise TooManyAttempts()
    user = await User.get_or_none(login=key, is_active=True)
    ok = await asyncio.to_thread(_verify, user.password_hash if user else "", password)
    if user is None or not ok:
        await _record_failure(key, throttle)
        raise InvalidCredentials()
    if state:
        await LoginThrottle.filter(login=key).delete()
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(hash_password, password)
        await user.save(update_fields=["password_hash"])
    return user


async def _record_failure(key: str, throttle: ThrottlePolicy) -> None:
    async with in_transaction():
        state, created = await LoginThrottle.get_or_create(login=key)
        if not created:
            await LoginThrottle.filter(id=state.id).update(failures=F("failures") + 1)
            await state.refresh_from_db(fields=["failures"])
        else:
            state.failures = 1
            await state.save(update_fields=["failures"])
        if state.failures >= throttle.failures_before_lock:
            state.failures = 0
            state.locked_until = _now() + throttle.lock
            await state.save(update_fields=["failures", "locked_until"])


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(user: User, kind: str, lifetime: timedelta) -> OpenedSession:
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24) if kind == SessionKind.COOKIE else ""
    expires_at = _now() + lifetime
    await Session.create(
        token_hash=_digest(token), user=user, kind=kind, csrf_token=csrf, expires_at=expires_at
    )
    return OpenedSession(token=token, csrf_token=csrf, expires_at=expires_at)


async def resolve_session(token: str) -> tuple[Session, User]:
    """The live session for a token and its user; SessionExpired for anything else."""
    session = await Session.get_or_none(token_hash=_digest(token)).select_related("user")
    if (
        session is None
        or session.revoked_at is not None
        or session.expires_at <= _now()
        or not session.user.is_active
    ):
        raise SessionExpired()
    return session, session.user


async def close_session(token: str) -> None:
    await Session.filter(token_hash=_digest(token), revoked_at=None).update(revoked_at=_now())


async def close_all_sessions(user_id: int) -> None:
    await Session.filter(user_id=user_id, revoked_at=None).update(revoked_at=_now())
