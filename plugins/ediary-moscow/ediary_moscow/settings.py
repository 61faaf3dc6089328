"""The plugin's settings, read from EDIARY_MOSCOW_* variables (see the README)."""

from __future__ import annotations

import hashlib
import hmac
from base64 import urlsafe_b64encode
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from ediary.config import Settings

PREFIX = "EDIARY_MOSCOW_"


class ClientSecretSigner(Protocol):
    """Produces the `client_secret` sent to the token endpoint.

    mos.ru takes the registered secret as is. ESIA wants a detached signature (GOST, made by
    a certified crypto provider) of scope, timestamp, client id and state; production plugs
    its signer in here, tests use `HmacSigner`.
    """

    def client_secret(self, *, scope: str, timestamp: str, client_id: str, state: str) -> str: ...


@dataclass(frozen=True)
class PlainSecret:
    """The registered secret, sent as is (mos.ru and standard OpenID Connect providers)."""

    secret: str

    def client_secret(self, *, scope: str, timestamp: str, client_id: str, state: str) -> str:
        return self.secret


@dataclass(frozen=True)
class HmacSigner:
    """ESIA-shaped signing with an HMAC instead of a certified signature: the same message,
    so the flow is exercised end to end without a crypto provider. Not for production."""

    key: str

    def client_secret(self, *, scope: str, timestamp: str, client_id: str, state: str) -> str:
        message = f"{scope}{timestamp}{client_id}{state}".encode()
        mac = hmac.new(self.key.encode(), message, hashlib.sha256).digest()
        return urlsafe_b64encode(mac).decode().rstrip("=")


@dataclass(frozen=True)
class Profile:
    """What differs between providers: scopes, where SNILS, names and children are."""

    name: str
    scope: str
    snils_claim: str
    children_claim: str
    # ESIA-style person endpoints, relative to the provider's base URL; {oid} is the subject.
    person_path: str | None = None
    kids_path: str | None = None


PROFILES = {
    # mos.ru: PKCE, scopes "openid profile snils", everything in the ID token and /me.
    "mosru": Profile("mosru", "openid profile snils children", "snils", "children"),
    # ESIA: the person and their children from the REST API (/rs/prns/{oid}/kids).
    "esia": Profile(
        "esia",
        "openid fullname snils kid_fullname kid_birthdate kid_snils",
        "snils",
        "elements",
        person_path="/rs/prns/{oid}",
        kids_path="/rs/prns/{oid}/kids?embed=(elements)",
    ),
}


@dataclass(frozen=True)
class MoscowSettings:
    discovery_url: str
    client_id: str
    signer: ClientSecretSigner
    profile: Profile
    region: str = "77"
    lookback_days: int = 30
    switched_regions: frozenset[str] = frozenset()
    holidays: frozenset[date] = frozenset()
    timeout: float = 10.0
    review_days: int = 3
    consent_version: str = "2025-09"
    extra_scope: str = field(default="")

    @property
    def configured(self) -> bool:
        return bool(self.discovery_url and self.client_id)


def _codes(text: str) -> frozenset[str]:
    return frozenset(code.strip() for code in text.split(",") if code.strip())


def moscow_settings(settings: Settings) -> MoscowSettings:
    extra = settings.extra
    profile = PROFILES[extra.get(PREFIX + "PROFILE", "mosru")]
    secret = extra.get(PREFIX + "CLIENT_SECRET", "")
    signer: ClientSecretSigner = (
        HmacSigner(extra.get(PREFIX + "TEST_SIGNING_KEY", secret))
        if extra.get(PREFIX + "SIGNER", "plain") == "test"
        else PlainSecret(secret)
    )
    return MoscowSettings(
        discovery_url=extra.get(PREFIX + "DISCOVERY_URL", ""),
        client_id=extra.get(PREFIX + "CLIENT_ID", ""),
        signer=signer,
        profile=profile,
        region=extra.get(PREFIX + "REGION", "77"),
        lookback_days=int(extra.get(PREFIX + "LOOKBACK_DAYS", "30")),
        switched_regions=_codes(extra.get(PREFIX + "SWITCHED_REGIONS", "")),
        holidays=frozenset(
            date.fromisoformat(day) for day in _codes(extra.get(PREFIX + "HOLIDAYS", ""))
        ),
        timeout=float(extra.get(PREFIX + "TIMEOUT", "10")),
        consent_version=extra.get(PREFIX + "CONSENT_VERSION", "2025-09"),
    )
