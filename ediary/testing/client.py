"""A GraphQL client that talks to the app in the test process over ASGI, anonymously or as a
logged-in user (bearer token, or session cookie with its CSRF token, as a browser does)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from starlette.applications import Starlette

from ediary.domain.auth import SessionKind, open_session
from ediary.domain.models import User

BASE_URL = "http://testserver"

LOGIN = """mutation($login: String!, $password: String!, $client: ClientKind!) {
  login(input: {login: $login, password: $password, client: $client}) {
    accessToken csrfToken viewer { id } userErrors { code message }
  }
}"""


class LoginFailed(AssertionError):
    """The login mutation refused; `errors` are its userErrors."""

    def __init__(self, login: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"login {login!r} refused: {errors}")
        self.errors = errors


class GraphQLClient:
    """Posts GraphQL documents to the app and returns the decoded answers.

    `await graphql(query, variables)` asks anonymously; `await graphql.login(login, password)`
    returns a `Session` that asks as that user."""

    def __init__(self, app: Starlette, address: str = "127.0.0.1") -> None:
        self.app = app
        # The client address the app sees: login limits count per address.
        self.address = address

    def http(self, cookies: httpx.Cookies | None = None) -> httpx.AsyncClient:
        """A plain HTTP client of the app, for routes other than /graphql."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app, client=(self.address, 50000)),
            base_url=BASE_URL,
            cookies=cookies,
        )

    async def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        cookies: httpx.Cookies | None = None,
    ) -> dict[str, Any]:
        """Post one document; fails the test unless the answer is HTTP 200."""
        async with self.http(cookies) as client:
            response = await client.post(
                "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
            )
            if cookies is not None:
                cookies.update(client.cookies)
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.post(query, variables)

    async def login(self, login: str, password: str, *, browser: bool = False) -> Session:
        """Log in through the `login` mutation: a bearer token, or with `browser=True` the
        session cookie and CSRF token. Raises `LoginFailed` when the login is refused."""
        cookies = httpx.Cookies() if browser else None
        variables = {
            "login": login,
            "password": password,
            "client": "BROWSER" if browser else "APP",
        }
        answer = (await self.post(LOGIN, variables, cookies=cookies))["data"]["login"]
        if answer["userErrors"]:
            raise LoginFailed(login, answer["userErrors"])
        if cookies is not None:
            return Session(self, csrf_token=answer["csrfToken"], cookies=cookies)
        return Session(self, bearer=answer["accessToken"])

    async def session_for(self, user: User, lifetime: timedelta = timedelta(hours=1)) -> Session:
        """A bearer session opened directly, for users without a password (portal accounts)."""
        opened = await open_session(user, SessionKind.BEARER, lifetime)
        return Session(self, bearer=opened.token)


class Session:
    """A logged-in user: `await session(query, variables)` asks as them."""

    def __init__(
        self,
        client: GraphQLClient,
        *,
        bearer: str | None = None,
        csrf_token: str | None = None,
        cookies: httpx.Cookies | None = None,
    ) -> None:
        self.client = client
        self.bearer = bearer
        self.csrf_token = csrf_token
        self.cookies = cookies

    def headers(self) -> dict[str, str]:
        """What a request of this session carries besides its cookies."""
        if self.bearer is not None:
            return {"Authorization": f"Bearer {self.bearer}"}
        return {"X-CSRF-Token": self.csrf_token or ""}

    def http(self) -> httpx.AsyncClient:
        """A plain HTTP client of the app with this session's cookies, for non-GraphQL routes."""
        return self.client.http(self.cookies)

    async def __call__(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        return await self.client.post(
            query, variables, headers=self.headers(), cookies=self.cookies
        )
