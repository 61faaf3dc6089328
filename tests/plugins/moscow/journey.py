"""A parent's and a school's steps through the Moscow plugin, shared by its tests: a browser
that keeps the session cookie and echoes the CSRF token, the administration's bearer calls,
the application form, and the GraphQL documents they send."""

from __future__ import annotations

from typing import Any

import httpx
from starlette.applications import Starlette
from strawberry import relay

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
