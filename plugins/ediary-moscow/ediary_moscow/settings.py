"""The plugin's settings, read from EDIARY_MOSCOW_* variables (see the README)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Protocol

from ediary.config import Settings

PREFIX = "EDIARY_MOSCOW_"


class ClientSecretSigner(Protocol):
    """Produces the `client_secret` sent to the token endpoint.

    mos.ru takes the registered secret as is (`PlainSecret`). ESIA wants a detached GOST
    signature of scope, timestamp, client id and state (`ediary_moscow.gost.GostSigner`).
    """

    def client_secret(self, *, scope: str, timestamp: str, client_id: str, state: str) -> str: ...


@dataclass(frozen=True)
class PlainSecret:
    """The registered secret, sent as is (mos.ru and standard OpenID Connect providers)."""

    secret: str

    def client_secret(self, *, scope: str, timestamp: str, client_id: str, state: str) -> str:
        return self.secret


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
    # ESIA: client_secret is a GOST signature, and the token request repeats what it signs
    # (scope, timestamp, state) so that ESIA can check it.
    signed_secret: bool = False


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
        signed_secret=True,
    ),
}


@dataclass(frozen=True)
class MoscowSettings:
    discovery_url: str
    client_id: str
    client_secret: str
    profile: Profile
    region: str = "77"
    lookback_days: int = 30
    switched_regions: frozenset[str] = frozenset()
    holidays: frozenset[date] = frozenset()
    timeout: float = 10.0
    review_days: int = 3
    consent_version: str = "2025-09"
    extra_scope: str = field(default="")
    signing_key: str = ""
    signing_cert: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.discovery_url and self.client_id)

    def signer(self) -> ClientSecretSigner:
        """What makes `client_secret`; for ESIA the GOST signer, which raises
        `SigningKeyError` when the key or certificate cannot sign (checked at startup)."""
        if not self.profile.signed_secret:
            return PlainSecret(self.client_secret)
        return _gost_signer(self.signing_key, self.signing_cert)


@lru_cache(maxsize=4)
def _gost_signer(key_path: str, cert_path: str) -> ClientSecretSigner:
    # Read once per process: the files are checked when the server starts.
    from ediary_moscow.gost import GostSigner

    return GostSigner.from_files(key_path, cert_path)


def _codes(text: str) -> frozenset[str]:
    return frozenset(code.strip() for code in text.split(",") if code.strip())


def moscow_settings(settings: Settings) -> MoscowSettings:
    extra = settings.extra
    profile = PROFILES[extra.get(PREFIX + "PROFILE", "mosru")]
    return MoscowSettings(
        discovery_url=extra.get(PREFIX + "DISCOVERY_URL", ""),
        client_id=extra.get(PREFIX + "CLIENT_ID", ""),
        client_secret=extra.get(PREFIX + "CLIENT_SECRET", ""),
        profile=profile,
        region=extra.get(PREFIX + "REGION", "77"),
        lookback_days=int(extra.get(PREFIX + "LOOKBACK_DAYS", "30")),
        switched_regions=_codes(extra.get(PREFIX + "SWITCHED_REGIONS", "")),
        holidays=frozenset(
            date.fromisoformat(day) for day in _codes(extra.get(PREFIX + "HOLIDAYS", ""))
        ),
        timeout=float(extra.get(PREFIX + "TIMEOUT", "10")),
        consent_version=extra.get(PREFIX + "CONSENT_VERSION", "2025-09"),
        signing_key=extra.get(PREFIX + "SIGNING_KEY", ""),
        signing_cert=extra.get(PREFIX + "SIGNING_CERT", ""),
    )
