"""The plugin's settings, read from `EDIARY_WEBPUSH_*` (see the README)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives.asymmetric import ec

from ediary.config import Settings
from ediary_webpush.crypto import b64url_encode, load_private_key, public_key_bytes

PRIVATE_KEY = "EDIARY_WEBPUSH_VAPID_PRIVATE_KEY"
PUBLIC_KEY = "EDIARY_WEBPUSH_VAPID_PUBLIC_KEY"
SUBJECT = "EDIARY_WEBPUSH_VAPID_SUBJECT"
TTL = "EDIARY_WEBPUSH_TTL"
MAX_SUBSCRIPTIONS = "EDIARY_WEBPUSH_MAX_SUBSCRIPTIONS"
ALLOW_LOOPBACK = "EDIARY_WEBPUSH_ALLOW_LOOPBACK_HTTP"

# RFC 8292 section 2.1: a contact for the push service's operator, mailto: or https:.
_SUBJECT = re.compile(r"^(mailto:[^@\s]+@[^@\s]+|https://[^\s/]+(/\S*)?)$", re.IGNORECASE)
# Push services keep a message at most four weeks (RFC 8030 leaves it to them; all do).
MAX_TTL = 28 * 24 * 3600
# The most subscriptions an account may be allowed to keep.
MAX_SUBSCRIPTIONS_LIMIT = 100
_VARIABLES = (PRIVATE_KEY, PUBLIC_KEY, SUBJECT, TTL, MAX_SUBSCRIPTIONS, ALLOW_LOOPBACK)


class WebPushConfigError(ValueError):
    """A setting the plugin cannot work with: the server does not start."""


@dataclass(frozen=True)
class WebPushConfig:
    key: ec.EllipticCurvePrivateKey
    subject: str
    # How long a push service keeps a message for a browser that is offline.
    ttl: int = 24 * 3600
    max_subscriptions: int = 10
    # Tests only: admit http://127.0.0.1 endpoints, where a test's push service listens.
    allow_loopback_http: bool = False

    @property
    def public_key(self) -> str:
        """The application server key a browser passes to `pushManager.subscribe`."""
        return b64url_encode(public_key_bytes(self.key.public_key()))


def _number(env: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise WebPushConfigError(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise WebPushConfigError(f"{name} must be from {low} to {high}")
    return value


def config_for(settings: Settings) -> WebPushConfig | None:
    """The configuration, or None while no VAPID private key is set (the plugin is off);
    WebPushConfigError for settings it cannot work with. Parsed once per set of values."""
    values = tuple((name, settings.extra.get(name, "")) for name in _VARIABLES)
    return _parse(values, settings.production)


@lru_cache(maxsize=8)
def _parse(values: tuple[tuple[str, str], ...], production: bool) -> WebPushConfig | None:
    env = dict(values)
    secret = env.get(PRIVATE_KEY, "").strip()
    if not secret:
        return None
    try:
        key = load_private_key(secret)
    except ValueError as error:
        # Never the key itself in the message: it ends up in logs.
        raise WebPushConfigError(f"{PRIVATE_KEY} is not a P-256 private key ({error})") from None
    subject = env.get(SUBJECT, "").strip()
    if not _SUBJECT.match(subject):
        raise WebPushConfigError(f"{SUBJECT} must be a mailto: address or an https: URL")
    allow_loopback = env.get(ALLOW_LOOPBACK, "").strip().lower() in {"1", "true", "yes", "on"}
    if allow_loopback and production:
        raise WebPushConfigError(f"{ALLOW_LOOPBACK} is for tests, never for production")
    config = WebPushConfig(
        key=key,
        subject=subject,
        ttl=_number(env, TTL, 24 * 3600, 0, MAX_TTL),
        max_subscriptions=_number(env, MAX_SUBSCRIPTIONS, 10, 1, MAX_SUBSCRIPTIONS_LIMIT),
        allow_loopback_http=allow_loopback,
    )
    expected = env.get(PUBLIC_KEY, "").strip().rstrip("=")
    if expected and expected != config.public_key:
        raise WebPushConfigError(f"{PUBLIC_KEY} is not the public key of {PRIVATE_KEY}")
    return config
