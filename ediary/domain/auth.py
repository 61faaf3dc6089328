"""Password login and sessions; failed logins are limited through the core rate limiter."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from tortoise import connections

from ediary.domain import dataversion, ratelimit, replicas, sql, ties
from ediary.domain.errors import InvalidCredentials, SessionExpired
from ediary.domain.models import Session, User
from ediary.domain.models.people import full_name
from ediary.domain.ties import Ties

if TYPE_CHECKING:
    from ediary.config import Settings

__all__ = [
    "LoginLimits",
    "OpenedSession",
    "SessionKind",
    "authenticate",
    "forget_failures",
    "hash_password",
    "normalize_login",
    "open_session",
    "verify_password",
]

# argon2-cffi's defaults are Argon2id with the RFC 9106 low-memory profile.
_hasher = PasswordHasher()


class SessionKind:
    COOKIE = "cookie"
    BEARER = "bearer"


# Failed logins of one account from everywhere; the key is the login.
LOGIN_SCOPE = "login"
# Failed logins of one account from one client address; the key is address and login.
LOGIN_ACCOUNT_ADDRESS_SCOPE = "login.account_address"
# Failed logins from one client address, whatever the account; the key is the address.
LOGIN_ADDRESS_SCOPE = "login.address"


@dataclass(frozen=True)
class LoginLimits:
    """How many failed password logins are allowed, counted three ways.

    `per_account_address` is what the owner meets after mistyping, and what stops one client
    guessing one account. `per_address` stops one client spreading its guesses over many
    accounts. `per_account` caps guessing one account from many addresses; it is the only one
    that also refuses the owner at another address, so it is set high enough that a single
    address, held back by the first limit, cannot reach it (see docs/settings.md).
    """

    per_account_address: ratelimit.Limit
    per_address: ratelimit.Limit
    per_account: ratelimit.Limit

    @classmethod
    def of(cls, settings: Settings) -> LoginLimits:
        """The limits as the settings give them (`EDIARY_LOGIN_*`)."""
        return cls(
            per_account_address=ratelimit.Limit(
                settings.login_failures_before_lock, settings.login_window, settings.login_lock
            ),
            per_address=ratelimit.Limit(
                settings.login_address_failures,
                settings.login_window,
                settings.login_address_lock,
            ),
            per_account=ratelimit.Limit(
                settings.login_account_failures,
                settings.login_account_window,
                settings.login_account_lock,
            ),
        )


# The defaults of the settings (EDIARY_LOGIN_*), for callers without settings such as tests.
LOGIN_LIMITS = LoginLimits(
    per_account_address=ratelimit.Limit(5, timedelta(minutes=15), timedelta(minutes=15)),
    per_address=ratelimit.Limit(50, timedelta(minutes=15), timedelta(minutes=15)),
    per_account=ratelimit.Limit(100, timedelta(hours=1), timedelta(minutes=15)),
)


@dataclass(frozen=True)
class OpenedSession:
    token: str
    csrf_token: str
    expires_at: datetime
    must_change_password: bool = False


def nfkc(password: str) -> str:
    # The same password typed on two devices may differ in Unicode form (NIST 800-63B).
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    return _hasher.hash(nfkc(password))


@cache
def _unknown_user_hash() -> str:
    # Verifying against a real hash for unknown logins keeps the answer time the same,
    # so timing does not tell which logins exist.
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _unknown_user_hash(), nfkc(password))
    except (VerificationError, InvalidHashError):
        return False


def _now() -> datetime:
    return datetime.now(UTC)


def normalize_login(login: str) -> str:
    return login.strip().lower()


def _login_counters(key: str, address: str, limits: LoginLimits) -> list[ratelimit.Counter]:
    # The address first: a client it refuses runs up neither the account's counters.
    return [
        ratelimit.Counter(LOGIN_ADDRESS_SCOPE, address, limits.per_address),
        ratelimit.Counter(
            LOGIN_ACCOUNT_ADDRESS_SCOPE, f"{address} {key}", limits.per_account_address
        ),
        ratelimit.Counter(LOGIN_SCOPE, key, limits.per_account),
    ]


async def authenticate(
    login: str, password: str, address: str, limits: LoginLimits = LOGIN_LIMITS
) -> User:
    """The active user with this login and password; one generic error for every mismatch.

    The attempt is counted before the password is verified, in one statement per counter, so
    parallel guesses cannot all be checked: beyond the limits TooManyAttempts comes back and
    no password is looked at. Unknown logins are counted alike, so a lock does not tell which
    logins exist."""
    key = normalize_login(login)
    address = ratelimit.client_key(address)
    await ratelimit.attempt_all(_login_counters(key, address, limits))
    user = await User.get_or_none(login=key, is_active=True)
    ok = await asyncio.to_thread(_verify, user.password_hash if user else "", password)
    if user is None or not ok:
        raise InvalidCredentials()
    # Only failures count. The owner's own count at this address starts afresh; the shared
    # counters get this attempt back but are not cleared, since others drive them.
    await ratelimit.reset(LOGIN_ACCOUNT_ADDRESS_SCOPE, f"{address} {key}")
    await ratelimit.give_back(LOGIN_ADDRESS_SCOPE, address)
    await ratelimit.give_back(LOGIN_SCOPE, key)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(hash_password, password)
        await user.save(update_fields=["password_hash"])
    return user


async def forget_failures(login: str, address: str) -> None:
    """Unlock an account whose owner proved who they are another way (a password reset):
    its failures from everywhere and from the owner's address are forgotten."""
    key = normalize_login(login)
    await ratelimit.reset(LOGIN_SCOPE, key)
    await ratelimit.reset(LOGIN_ACCOUNT_ADDRESS_SCOPE, f"{ratelimit.client_key(address)} {key}")


async def verify_password(user: User, password: str) -> bool:
    """Whether `password` is the user's current one (for changes that re-ask for it)."""
    return await asyncio.to_thread(_verify, user.password_hash, password)


def token_digest(token: str) -> str:
    """What the session table stores of a token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


async def open_session(
    user: User, kind: str, lifetime: timedelta, *, must_change_password: bool = False
) -> OpenedSession:
    """A new session of `user`. `must_change_password` for a login with a temporary password:
    such a session is served nothing but the password change (see `ediary.schema.context`)."""
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(24) if kind == SessionKind.COOKIE else ""
    expires_at = _now() + lifetime
    session = await Session.create(
        token_hash=token_digest(token),
        user=user,
        kind=kind,
        csrf_token=csrf,
        expires_at=expires_at,
        must_change_password=must_change_password,
        # Reads on the primary until the login's writes are known to be committed
        # (ediary.domain.replicas): whatever the login wrote is there from its first read.
        write_lsn=replicas.UNRECORDED,
    )
    replicas.session_opened(session.id)
    return OpenedSession(
        token=token,
        csrf_token=csrf,
        expires_at=expires_at,
        must_change_password=must_change_password,
    )


@dataclass(frozen=True)
class LiveSession:
    """A live session as the request that uses it needs it (the model's row, read by hand)."""

    id: int
    user_id: int
    kind: str
    csrf_token: str
    expires_at: datetime
    # Opened with a temporary password, not changed since.
    must_change_password: bool = False
    # Where the primary's WAL was after the session's last write (ediary.domain.replicas).
    write_lsn: int | None = None


@dataclass(frozen=True)
class ResolvedSession:
    """A live session with the ties of its account, from which the viewer is made
    (`ediary.domain.access.viewer_of`)."""

    session: LiveSession
    ties: Ties


# The session, its account and the account's ties in one statement; `{version}` is either
# nothing or the data version as one more column.
_RESOLVE = """
SELECT s.id, s.kind, s.csrf_token, s.expires_at, s.revoked_at, s.must_change_password,
       s.write_lsn,
       u.id AS user_id, u.login, u.last_name, u.first_name, u.middle_name, u.is_active,
       {ties}{version}
FROM login_session s JOIN account u ON u.id = s.user_id
WHERE s.token_hash = $1"""


@cache
def _resolve_text(dialect: str | None) -> str:
    """The statement, with the data versions as more columns when `dialect` is given: the
    coarse version and, on PostgreSQL, the base version and the versions of the account
    itself and its wards (the students whose diaries it most often reads)."""
    versions = ""
    if dialect is not None:
        versions = f",\n       {dataversion.version_sql(dialect)} AS data_version"
        base = dataversion.base_version_sql(dialect)
        if base is not None:
            # u.id, not s.user_id: the students' subquery has an `s` of its own.
            students = dataversion.student_versions_sql("u.id")
            versions += f",\n       {base} AS base_version,\n       {students} AS student_versions"
    return _RESOLVE.format(ties=ties.columns("s.user_id"), version=versions)


async def _resolve(
    token: str, with_version: bool
) -> tuple[ResolvedSession, dataversion.Seen | None]:
    client = connections.get("default")
    dialect = client.capabilities.dialect if with_version else None
    rows = await sql.fetch(_resolve_text(dialect), [token_digest(token)], client)
    row = rows[0] if rows else None
    # Refused exactly as the model's session always was: unknown, revoked, expired, or of
    # an account that was deactivated.
    if row is None:
        raise SessionExpired()
    expires_at = sql.as_datetime(row["expires_at"])
    if row["revoked_at"] is not None or expires_at <= _now() or not sql.as_bool(row["is_active"]):
        raise SessionExpired()
    session = LiveSession(
        id=row["id"],
        user_id=row["user_id"],
        kind=row["kind"],
        csrf_token=row["csrf_token"],
        expires_at=expires_at,
        must_change_password=sql.as_bool(row["must_change_password"]),
        write_lsn=row["write_lsn"],
    )
    name = full_name(row["last_name"], row["first_name"], row["middle_name"])
    found = ties.from_row(row, session.user_id, row["login"], name)
    if not with_version:
        return ResolvedSession(session, found), None
    assert dialect is not None
    base = row["base_version"] if dataversion.base_version_sql(dialect) is not None else None
    seen = dataversion.Seen(
        str(row["data_version"]),
        None if base is None else str(base),
        {} if base is None else dataversion.parse_student_versions(row["student_versions"] or ""),
    )
    return ResolvedSession(session, found), seen


async def resolve_session(token: str) -> ResolvedSession:
    """The live session for a token with its account's ties, in one statement;
    SessionExpired for anything else."""
    resolved, _ = await _resolve(token, with_version=False)
    return resolved


async def resolve_session_at_version(
    token: str,
) -> tuple[ResolvedSession, dataversion.Seen]:
    """Like resolve_session, with the data versions read in the same statement (see
    `_resolve_text`), so that a kept answer is checked against the session and the data in
    one round trip, and a missed one has its viewer without another."""
    resolved, seen = await _resolve(token, with_version=True)
    assert seen is not None
    return resolved, seen
