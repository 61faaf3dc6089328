"""The login through the portal edu.tatar.ru: OAuth 2.0 authorization code with PKCE (S256)
and `state`, the code exchange, and the person endpoint, which answers the person's SNILS, name
and children.

The portal's API, relative to EDIARY_TATARSTAN_PORTAL_URL:

- `GET /oauth/authorize`: the portal's login page; it sends the browser back to our
  `redirect_uri` with `code` and our `state` (or `error`, when the person declined);
- `POST /oauth/token`: a form with the code, our `redirect_uri`, `client_id`, `client_secret`
  and the PKCE `code_verifier`; answers `{"access_token": ...}`;
- `GET /api/v1/person` with the bearer token: `snils`, `last_name`, `first_name`,
  `middle_name` and `children`, each with `snils`, the names, `birth_date` (ISO),
  `school_code` and `class` (such as `5А`).

PKCE comes from Authlib; HTTP goes through httpx with a timeout on every call.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

import httpx
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]

from ediary_tatarstan.errors import PortalBadAnswer, PortalLoginFailed, PortalUnavailable
from ediary_tatarstan.settings import PREFIX, TatarstanSettings
from ediary_tatarstan.values import BadValue, class_name, snils

AUTHORIZE_PATH = "/oauth/authorize"
TOKEN_PATH = "/oauth/token"
PERSON_PATH = "/api/v1/person"
SCOPE = "person children"

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoginRequest:
    """What a login keeps between sending the browser to the portal and its return."""

    state: str
    verifier: str
    redirect_uri: str

    @classmethod
    def new(cls, redirect_uri: str) -> LoginRequest:
        return cls(secrets.token_urlsafe(32), secrets.token_urlsafe(48), redirect_uri)

    @property
    def challenge(self) -> str:
        challenge: str = create_s256_code_challenge(self.verifier)
        return challenge


@dataclass(frozen=True)
class Child:
    snils: str
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: date
    school_code: str
    grade: int
    letter: str

    @property
    def class_name(self) -> str:
        return f"{self.grade}{self.letter}"


@dataclass(frozen=True)
class Person:
    """The person who logged in, as the portal knows them."""

    snils: str
    last_name: str
    first_name: str
    middle_name: str | None
    children: tuple[Child, ...]
    # Children the portal listed in a shape we cannot read, one reason each: the person can
    # be told, rather than the child silently missing.
    unreadable_children: tuple[str, ...] = ()


class Portal:
    """The portal of one deployment; pass `client` to share a connection pool."""

    def __init__(
        self, settings: TatarstanSettings, client: httpx.AsyncClient | None = None
    ) -> None:
        self.settings = settings
        self._client = client

    def authorize_url(self, request: LoginRequest) -> str:
        """Where to send the browser to log in."""
        query = {
            "response_type": "code",
            "client_id": self.settings.client_id,
            "redirect_uri": request.redirect_uri,
            "scope": SCOPE,
            "state": request.state,
            "code_challenge": request.challenge,
            "code_challenge_method": "S256",
        }
        return f"{self.settings.portal_url}{AUTHORIZE_PATH}?{urlencode(query)}"

    async def finish(self, request: LoginRequest, query: Mapping[str, str]) -> Person:
        """The person who logged in, from the query the portal sent the browser back with.

        The state is checked before anything else, so a return that belongs to another
        browser's login spends nothing.
        """
        # As bytes: compare_digest refuses str with letters beyond ASCII, which anyone may send.
        returned = query.get("state", "").encode()
        if not secrets.compare_digest(returned, request.state.encode()):
            raise PortalLoginFailed(
                "This login did not start in this browser, or it is too old. Start it again."
            )
        if "error" in query:
            raise PortalLoginFailed("The login was cancelled on the portal. Start it again.")
        code = query.get("code", "")
        if not code:
            raise PortalLoginFailed()
        return await self.person(await self.exchange(code, request))

    async def exchange(self, code: str, request: LoginRequest) -> str:
        """The access token for an authorization code; PortalLoginFailed when it is refused."""
        response = await self._send(
            "POST",
            TOKEN_PATH,
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": request.redirect_uri,
                "client_id": self.settings.client_id,
                "client_secret": self.settings.client_secret,
                "code_verifier": request.verifier,
            },
        )
        if response.status_code == 401:
            # The portal does not know this server's client: nothing the person can fix.
            log.error(
                "%s refused the client: check %sCLIENT_ID and %sCLIENT_SECRET",
                self.settings.portal_url,
                PREFIX,
                PREFIX,
            )
            raise PortalUnavailable()
        if response.status_code == 400:
            raise PortalLoginFailed(
                "The portal did not accept the login (it may have been used already). "
                "Start the login again."
            )
        body = _json_object(response)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise PortalBadAnswer()
        return token

    async def person(self, access_token: str) -> Person:
        response = await self._send(
            "GET", PERSON_PATH, headers={"Authorization": f"Bearer {access_token}"}
        )
        if response.status_code == 401:
            raise PortalLoginFailed()
        return parse_person(_json_object(response))

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        url = self.settings.portal_url + path
        timeout = self.settings.timeout
        try:
            if self._client is not None:
                response = await self._client.request(method, url, timeout=timeout, **kwargs)
            else:
                async with httpx.AsyncClient(timeout=timeout) as client:
                    response = await client.request(method, url, **kwargs)
        except httpx.TimeoutException:
            raise PortalUnavailable(
                "The portal edu.tatar.ru did not answer in time. Try again in a few minutes."
            ) from None
        except httpx.HTTPError:
            raise PortalUnavailable() from None
        # A portal under maintenance answers with errors or redirects to a notice page.
        if response.status_code >= 500 or response.is_redirect:
            raise PortalUnavailable()
        return response


def _json_object(response: httpx.Response) -> dict[str, Any]:
    if response.status_code != 200:
        raise PortalBadAnswer()
    try:
        body = response.json()
    except ValueError:
        raise PortalBadAnswer() from None
    if not isinstance(body, dict):
        raise PortalBadAnswer()
    return body


def _optional(data: Mapping[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise BadValue(f"{key} is not text")
    return " ".join(value.split()) or None


def _required(data: Mapping[str, Any], key: str) -> str:
    value = _optional(data, key)
    if value is None:
        raise BadValue(f"{key} is missing")
    return value


def _child(data: Any) -> Child:
    if not isinstance(data, dict):
        raise BadValue("a child is not an object")
    grade, letter = class_name(_required(data, "class"))
    birth = _required(data, "birth_date")
    try:
        birth_date = date.fromisoformat(birth)
    except ValueError:
        raise BadValue(f"birth_date {birth!r} is not a date") from None
    return Child(
        snils=snils(_required(data, "snils")),
        last_name=_required(data, "last_name"),
        first_name=_required(data, "first_name"),
        middle_name=_optional(data, "middle_name"),
        birth_date=birth_date,
        school_code=_required(data, "school_code"),
        grade=grade,
        letter=letter,
    )


def parse_person(data: Mapping[str, Any]) -> Person:
    """A person from the person endpoint's answer; PortalBadAnswer when the person is unreadable.

    A child that cannot be read does not fail the login of its parent: it is listed in
    `unreadable_children` instead.
    """
    try:
        person_snils = snils(_required(data, "snils"))
        last_name = _required(data, "last_name")
        first_name = _required(data, "first_name")
        middle_name = _optional(data, "middle_name")
    except BadValue:
        raise PortalBadAnswer() from None
    listed = data.get("children", [])
    if not isinstance(listed, list):
        raise PortalBadAnswer()
    children: list[Child] = []
    unreadable: list[str] = []
    for number, entry in enumerate(listed, start=1):
        try:
            children.append(_child(entry))
        except BadValue as problem:
            unreadable.append(f"child {number}: {problem}")
    return Person(
        snils=person_snils,
        last_name=last_name,
        first_name=first_name,
        middle_name=middle_name,
        children=tuple(children),
        unreadable_children=tuple(unreadable),
    )
