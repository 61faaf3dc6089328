"""A parent's and a school's steps through the Moscow plugin, shared by its tests: a browser
that keeps the session cookie and echoes the CSRF token, the administration's bearer calls,
the application form, and the GraphQL documents they send."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import httpx
from starlette.applications import Starlette
from strawberry import relay

from ediary.domain import models
from ediary.domain.auth import hash_password
from ediary.domain.enums import Role
from tests.plugins.moscow.conftest import City, OidcProvider, portal_login

MARKS = "query($id: ID!) { marks(studentId: $id, first: 50) { edges { node { date value } } } }"
CHILDREN = "{ viewer { children { id firstName } } }"
FILE = """mutation($input: FileDiaryApplicationInput!) { fileDiaryApplication(input: $input) {
    application { id status dueOn overdue refusalReason refusalComment consentVersion }
    userErrors { field message code } } }"""
REFUSE = """mutation($input: RefuseDiaryApplicationInput!) {
    refuseDiaryApplication(input: $input) {
    application { status refusalReason } userErrors { code message } } }"""
APPROVE = """mutation($input: ApproveDiaryApplicationInput!) {
    approveDiaryApplication(input: $input) {
    application { status } userErrors { code message } } }"""
MINE = "{ myDiaryApplications { id status refusalReason refusalComment } }"
REVIEW = """query($school: ID!, $overdue: Boolean!) {
    diaryApplicationsToReview(schoolId: $school, overdueOnly: $overdue) { id status } }"""


class Browser:
    """A logged-in browser: the session cookie, and the CSRF token echoed in mutations."""

    def __init__(self, app: Starlette) -> None:
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver"
        )

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        csrf = self.client.cookies.get("ediary_csrf", "")
        response = await self.client.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"X-CSRF-Token": csrf},
        )
        body = response.json()
        assert "errors" not in body, body
        return body["data"]


async def as_admin(app: Starlette, city: City, query: str, variables: dict[str, Any]) -> Any:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {city.tokens['admin']}"},
        )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


def gid(kind: str, key: int) -> str:
    return str(relay.GlobalID(kind, str(key)))


def application(city: City, child: str, *, last_name: str = "Sokolov") -> dict[str, Any]:
    return {
        "schoolId": gid("School", city.ids["school"]),
        "child": {
            "lastName": last_name,
            "firstName": child,
            "birthDate": "2015-03-01",
            "snils": city.snils[child],
        },
        "document": {
            "kind": "BIRTH_CERTIFICATE",
            "series": "IV-MO",
            "number": "123456",
            "issuedOn": "2015-03-10",
            "issuedBy": "Registry office",
        },
        "consentGiven": True,
        "consentVersion": "2025-09",
    }


async def portal_parent(
    portal_app: Starlette, provider: OidcProvider, sub: str, snils: str
) -> Browser:
    provider.set_user(sub, {"snils": snils, "family_name": "Parent"})
    browser = Browser(portal_app)
    assert (await portal_login(portal_app, provider, sub, client=browser.client)).status_code == 303
    return browser


# Linking the ways into one account.
METHODS = "{ myLoginMethods { login hasPassword portal { flowId linkedAt maskedSnils } } }"
LINK_SCHOOL = """mutation($input: LinkSchoolAccountInput!) { linkSchoolAccount(input: $input) {
    viewer { login } csrfToken accessToken userErrors { code message field } } }"""
START_LINK = "mutation { startPortalLink { authorizationUrl userErrors { code message } } }"
UNLINK = """mutation { unlinkPortalLogin {
    loginMethods { hasPassword portal { flowId } } userErrors { code message } } }"""
HISTORY = """{ viewer { login accountHistory(first: 20) {
    totalCount edges { node { kind method byOwner } } } } }"""
LOGOUT = "mutation { logout { ok userErrors { code } } }"
PASSWORD_LOGIN = """mutation($login: String!, $password: String!) {
    login(input: {login: $login, password: $password}) {
    viewer { login } csrfToken userErrors { code message } } }"""


async def password_browser(app: Starlette, login: str, password: str) -> Browser:
    """A browser logged in with a login and password; the login sets the CSRF cookie that
    `Browser.gql` echoes, with the token the login answers with."""
    browser = Browser(app)
    answer = await browser.gql(PASSWORD_LOGIN, {"login": login, "password": password})
    assert answer["login"]["userErrors"] == [], answer
    assert browser.client.cookies.get("ediary_csrf") == answer["login"]["csrfToken"]
    return browser


async def through_provider(browser: Browser, url: str, sub: str) -> httpx.Response:
    """Log in at the provider as `sub` from an authorization address, and follow it back
    to our callback in `browser`."""
    async with httpx.AsyncClient(timeout=5) as at_provider:
        back = await at_provider.post(url, data={"sub": sub})
        assert back.status_code == 302, back.text
    callback = urlsplit(back.headers["location"])
    assert callback.path == "/moscow/callback"
    return await browser.client.get(f"{callback.path}?{callback.query}")


async def school_parent(city: City, login: str, password: str, child: str) -> models.User:
    """A parent account the school issued, with a child of class 5A and no SNILS recorded."""
    parent = await models.User.create(
        login=login,
        last_name="Sokolova",
        first_name="Maria",
        password_hash=hash_password(password),
    )
    await models.RoleGrant.create(user=parent, role=Role.PARENT, school_id=city.ids["school"])
    await models.Guardianship.create(parent=parent, student_id=city.ids[child])
    return parent
