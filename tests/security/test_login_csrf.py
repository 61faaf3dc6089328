"""Finding 10: login CSRF.

`login` needed no CSRF token and was accepted as multipart/form-data, which a form on any site
can post without a preflight: a cross-site page could log the victim's browser into the
attacker's account. Multipart requests now need a header a form cannot send, the media types
of forms stay refused, and a cookie login from a page of another origin is refused. JSON login
and uploads by logged-in clients work as before.
"""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
from strawberry.relay import to_base64

from ediary.domain import auth, models
from ediary.schema.context import CSRF_HEADER, SESSION_COOKIE
from tests.conftest import GraphQLClient
from tests.life.conftest import PDF, POST
from tests.world import World

PASSWORD = "correct horse battery staple"
LOGIN = """
mutation($login: String!, $password: String!) {
  login(input: {login: $login, password: $password}) { csrfToken userErrors { code } }
}
"""


async def _account(login: str) -> models.User:
    user, _ = await models.User.get_or_create(
        login=login,
        defaults={
            "last_name": "Test",
            "first_name": login,
            "password_hash": auth.hash_password(PASSWORD),
        },
    )
    return user


def _operations(login: str) -> str:
    return json.dumps({"query": LOGIN, "variables": {"login": login, "password": PASSWORD}})


async def _refused_without_a_session(response: httpx.Response, user: models.User) -> None:
    assert response.status_code >= 400, response.text
    assert "set-cookie" not in response.headers
    assert SESSION_COOKIE not in response.cookies
    assert not await models.Session.exists(user=user)


async def test_a_login_posted_as_a_form_is_refused(gql: GraphQLClient) -> None:
    user = await _account("csrf.victim")
    cross_site = {"Origin": "https://attacker.example"}
    async with gql.http() as client:
        # What a cross-site <form enctype="multipart/form-data"> sends.
        multipart = await client.post(
            "/graphql",
            data={"operations": _operations(user.login), "map": "{}"},
            files={"unused": ("x.txt", b"x", "text/plain")},
            headers=cross_site,
        )
        # The same from our own origin: still no header a form could not send.
        same_site = await client.post(
            "/graphql",
            data={"operations": _operations(user.login), "map": "{}"},
            files={"unused": ("x.txt", b"x", "text/plain")},
        )
        urlencoded = await client.post(
            "/graphql",
            data={"query": LOGIN, "variables": json.dumps({"login": user.login})},
            headers=cross_site,
        )
        plain = await client.post(
            "/graphql",
            content=_operations(user.login),
            headers={**cross_site, "Content-Type": "text/plain"},
        )
    await _refused_without_a_session(multipart, user)
    assert multipart.json()["errors"][0]["extensions"]["code"] == "CSRF_HEADER_REQUIRED"
    await _refused_without_a_session(same_site, user)
    assert same_site.json()["errors"][0]["extensions"]["code"] == "CSRF_HEADER_REQUIRED"
    for refused in (urlencoded, plain):
        await _refused_without_a_session(refused, user)
        assert refused.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_a_cookie_login_from_another_origin_is_refused(gql: GraphQLClient) -> None:
    user = await _account("csrf.json_victim")
    variables = {"login": user.login, "password": PASSWORD}
    async with gql.http() as client:
        # A page elsewhere could only send this after a preflight this server never grants;
        # the Origin check holds should a proxy or a future CORS rule let it through.
        response = await client.post(
            "/graphql",
            json={"query": LOGIN, "variables": variables},
            headers={"Origin": "https://attacker.example"},
        )
    assert response.json()["data"]["login"] == {
        "csrfToken": None,
        "userErrors": [{"code": "CROSS_SITE_REQUEST"}],
    }
    assert "set-cookie" not in response.headers
    assert not await models.Session.exists(user=user)


async def test_a_json_login_still_works(gql: GraphQLClient) -> None:
    user = await _account("csrf.json_user")
    variables = {"login": user.login, "password": PASSWORD}
    for headers in ({"Origin": "http://testserver"}, {}):
        async with gql.from_address("10.78.0.1").http() as client:
            response = await client.post(
                "/graphql", json={"query": LOGIN, "variables": variables}, headers=headers
            )
        login = response.json()["data"]["login"]
        assert login["userErrors"] == [] and login["csrfToken"]
        assert SESSION_COOKIE in response.cookies


def _upload(world: World, title: str) -> dict[str, str]:
    operations = {
        "query": POST,
        "variables": {
            "input": {
                "classId": to_base64("SchoolClass", world.id("class_7a")),
                "kind": "COMPETITION",
                "title": title,
                "text": "Sign up by Friday.",
                "attachments": [None],
            }
        },
    }
    return {
        "operations": json.dumps(operations),
        "map": json.dumps({"0": ["variables.input.attachments.0"]}),
    }


async def test_uploads_by_logged_in_clients_still_work(gql: GraphQLClient, world: World) -> None:
    files = {"0": ("rules.pdf", PDF, "application/octet-stream")}
    teacher = await models.User.get(id=world.users["class_teacher"].id)
    opened = await auth.open_session(teacher, auth.SessionKind.COOKIE, timedelta(hours=1))
    async with gql.http() as client:
        bearer = await client.post(
            "/graphql",
            data=_upload(world, "CSRF: bearer upload"),
            files=files,
            headers={"Authorization": f"Bearer {world.tokens['class_teacher']}"},
        )
        client.cookies.set(SESSION_COOKIE, opened.token)
        cookie = await client.post(
            "/graphql",
            data=_upload(world, "CSRF: cookie upload"),
            files=files,
            headers={CSRF_HEADER: opened.csrf_token},
        )
        # The cookie alone, as a cross-site form would send it, uploads nothing.
        forged = await client.post(
            "/graphql", data=_upload(world, "CSRF: forged upload"), files=files
        )
    for answer in (bearer, cookie):
        assert answer.status_code == 200, answer.text
        posted = answer.json()["data"]["postAnnouncement"]
        assert posted["userErrors"] == [] and posted["announcement"]["attachments"]
    assert forged.json()["errors"][0]["extensions"]["code"] == "CSRF_HEADER_REQUIRED"
    assert not await models.Announcement.exists(title="CSRF: forged upload")
