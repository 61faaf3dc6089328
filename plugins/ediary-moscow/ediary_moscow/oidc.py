"""The OpenID Connect pieces: discovery, the authorization request with PKCE (S256), the code
exchange, ID token validation against the provider's published keys, person data.

Protocol pieces come from Authlib (PKCE) and joserfc (JWS, JWK sets, claim checks, by
Authlib's author); HTTP goes through httpx with a timeout on every call.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urljoin

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ediary_moscow.errors import LoginFailed, ProviderUnavailable
from ediary_moscow.gost import SigningKeyError
from ediary_moscow.settings import MoscowSettings

ALGORITHMS = ["RS256", "ES256", "PS256"]
LEEWAY_SECONDS = 60


@dataclass(frozen=True)
class AuthRequest:
    state: str
    nonce: str
    verifier: str

    @classmethod
    def new(cls) -> AuthRequest:
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(32), secrets.token_urlsafe(48))

    @property
    def challenge(self) -> str:
        challenge: str = create_s256_code_challenge(self.verifier)
        return challenge


class Provider:
    """One identity provider, described by its discovery document."""

    def __init__(self, config: MoscowSettings, client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self._client = client
        self._metadata: dict[str, Any] | None = None

    async def _get(self, url: str, **kwargs: Any) -> httpx.Response:
        return await self._send("GET", url, **kwargs)

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            if self._client is not None:
                return await self._client.request(method, url, **kwargs)
            async with httpx.AsyncClient(timeout=self.config.timeout) as client:
                return await client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise ProviderUnavailable(
                "The login portal did not answer in time. Try again in a few minutes."
            ) from None
        except httpx.HTTPError:
            raise ProviderUnavailable() from None

    async def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            response = await self._get(self.config.discovery_url)
            if response.status_code != 200:
                raise ProviderUnavailable()
            self._metadata = response.json()
        return self._metadata

    async def authorize_url(self, request: AuthRequest, redirect_uri: str) -> str:
        endpoint = (await self.metadata())["authorization_endpoint"]
        query = {
            "response_type": "code",
            "client_id": self.config.client_id,
            "redirect_uri": redirect_uri,
            "scope": self.config.profile.scope,
            "state": request.state,
            "nonce": request.nonce,
            "code_challenge": request.challenge,
            "code_challenge_method": "S256",
        }
        if self.config.profile.signed_secret:
            # ESIA checks the client at the authorization request too, with the same signature.
            timestamp = esia_timestamp()
            query |= {
                "client_secret": await self._client_secret(request.state, timestamp),
                "timestamp": timestamp,
                "access_type": "online",
            }
        return f"{endpoint}?{urlencode(query)}"

    async def _client_secret(self, state: str, timestamp: str) -> str:
        try:
            # GOST signing is pure Python (tens of milliseconds): off the event loop.
            return await asyncio.to_thread(
                self.config.signer().client_secret,
                scope=self.config.profile.scope,
                timestamp=timestamp,
                client_id=self.config.client_id,
                state=state,
            )
        except SigningKeyError:
            # The startup check keeps a bad key from getting this far; a file changed since.
            raise ProviderUnavailable(
                "The portal login cannot sign its requests here. Log in another way, and "
                "tell the school."
            ) from None

    async def exchange(self, code: str, request: AuthRequest, redirect_uri: str) -> dict[str, Any]:
        """The token response for an authorization code; LoginFailed when it is refused."""
        metadata = await self.metadata()
        timestamp = esia_timestamp()
        profile = self.config.profile
        secret = await self._client_secret(request.state, timestamp)
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": request.verifier,
            "client_id": self.config.client_id,
            "client_secret": secret,
        }
        if profile.signed_secret:
            # ESIA rebuilds the signed message from these to check client_secret.
            data |= {
                "scope": profile.scope,
                "timestamp": timestamp,
                "state": request.state,
                "token_type": "Bearer",
            }
        response = await self._send("POST", metadata["token_endpoint"], data=data)
        if response.status_code >= 500:
            raise ProviderUnavailable()
        if response.status_code != 200:
            raise LoginFailed(
                "The portal did not accept the login code (it may have been used already). "
                "Start the login again."
            )
        body: dict[str, Any] = response.json()
        if not body.get("id_token") or not body.get("access_token"):
            raise LoginFailed("The portal's answer has no ID token. Start the login again.")
        return body

    async def keys(self) -> KeySet:
        response = await self._get((await self.metadata())["jwks_uri"])
        if response.status_code != 200:
            raise ProviderUnavailable()
        return KeySet.import_key_set(response.json())

    async def id_claims(self, id_token: str, nonce: str) -> dict[str, Any]:
        metadata = await self.metadata()
        return validate_id_token(
            id_token,
            await self.keys(),
            issuer=metadata["issuer"],
            client_id=self.config.client_id,
            nonce=nonce,
        )

    async def person(self, access_token: str, subject: str) -> dict[str, Any]:
        """Person data beyond the ID token: userinfo, or the ESIA person endpoint."""
        metadata = await self.metadata()
        headers = {"Authorization": f"Bearer {access_token}"}
        profile = self.config.profile
        if profile.person_path:
            url = urljoin(metadata["issuer"] + "/", profile.person_path.format(oid=subject)[1:])
        elif metadata.get("userinfo_endpoint"):
            url = metadata["userinfo_endpoint"]
        else:
            return {}
        response = await self._get(url, headers=headers)
        if response.status_code != 200:
            raise LoginFailed("The portal did not give the person's data. Start the login again.")
        found: dict[str, Any] = response.json()
        if profile.kids_path:
            kids_url = urljoin(metadata["issuer"] + "/", profile.kids_path.format(oid=subject)[1:])
            kids = await self._get(kids_url, headers=headers)
            if kids.status_code == 200:
                elements = kids.json().get("elements", [])
                found[profile.children_claim] = [
                    await self._kid(element, metadata["issuer"], headers) for element in elements
                ]
        return found

    async def _kid(self, element: Any, issuer: str, headers: dict[str, str]) -> Any:
        """A child of ESIA's kids list: given in full (embed=(elements)), or as a reference
        to its own address, read with the same token. A reference outside the provider's
        address is not followed: the token is not sent anywhere else."""
        if not isinstance(element, str):
            return element
        if not element.startswith(issuer.rstrip("/") + "/"):
            return {}
        response = await self._get(element, headers=headers)
        if response.status_code != 200:
            raise LoginFailed("The portal did not give a child's data. Start the login again.")
        kid: dict[str, Any] = response.json()
        return kid


def esia_timestamp() -> str:
    """Now in ESIA's format, yyyy.MM.dd HH:mm:ss Z (UTC): part of what client_secret signs."""
    return time.strftime("%Y.%m.%d %H:%M:%S +0000", time.gmtime())


def validate_id_token(
    id_token: str, keys: KeySet, *, issuer: str, client_id: str, nonce: str, now: int | None = None
) -> dict[str, Any]:
    """The claims of an ID token signed by one of `keys`, for this client, issuer and nonce,
    not expired; LoginFailed with the reason otherwise."""
    try:
        token = jwt.decode(id_token, keys, algorithms=ALGORITHMS)
    except (JoseError, ValueError):
        raise LoginFailed("The portal's ID token signature is not valid.") from None
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        exp={"essential": True},
        sub={"essential": True},
    )
    try:
        registry.validate(token.claims)
    except JoseError as error:
        raise LoginFailed(
            f"The portal's ID token is not valid: {error.description or error.error}."
        ) from None
    if not secrets.compare_digest(str(token.claims.get("nonce", "")), nonce):
        raise LoginFailed("The portal's ID token is for another login (nonce). Start again.")
    return dict(token.claims)
