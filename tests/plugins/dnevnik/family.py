"""Steps the access-code tests repeat: issue codes, sign a parent up, follow links."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.conftest import GraphQLClient
from tests.mail import Mailbox
from tests.plugins.dnevnik import queries as q
from tests.plugins.dnevnik.conftest import Town

PASSWORD = "a long family password"
HIDDEN_TOKEN = re.compile(r'name="token" value="([^"]*)"')


def path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.netloc == "testserver", url
    return parts.path + (f"?{parts.query}" if parts.query else "")


def token_of(link: str) -> str:
    return link.split("token=", 1)[1]


async def follow(http: httpx.AsyncClient, link: str, **fields: str) -> httpx.Response:
    """Open an e-mailed link like a browser: the page, then its form."""
    page = await http.get(path(link))
    assert page.status_code == 200, page.text
    assert 'method="post"' in page.text
    found = HIDDEN_TOKEN.search(page.text)
    assert found is not None
    return await http.post(path(link).split("?")[0], data={"token": unescape(found[1]), **fields})


def payload(result: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in result, result
    found: dict[str, Any] = result["data"][name]
    return found


def error_codes(result: dict[str, Any], name: str) -> list[str]:
    return [e["code"] for e in payload(result, name)["userErrors"]]


async def issue(
    gql: GraphQLClient, town: Town, class_name: str, by: str = "admin_d", **variables: Any
) -> list[dict[str, Any]]:
    """Issue a batch for a class and return its codes."""
    result = await gql(
        q.ISSUE,
        {"classId": town.gid("SchoolClass", class_name), **variables},
        bearer=town.tokens[by],
    )
    issued = payload(result, "issueAccessCodes")
    assert issued["userErrors"] == [], issued
    codes: list[dict[str, Any]] = issued["batch"]["codes"]
    return codes


def pick(codes: list[dict[str, Any]], role: str, student: str | None = None) -> str:
    for code in codes:
        if code["role"] == role and (student is None or code["student"]["fullName"] == student):
            found: str = code["code"]
            return found
    raise AssertionError(f"no {role} code for {student}")


async def login(gql: GraphQLClient, login: str, password: str = PASSWORD) -> dict[str, Any]:
    return payload(await gql(q.LOGIN, {"login": login, "password": password}), "login")


async def sign_up(
    gql: GraphQLClient,
    mailbox: Mailbox,
    code: str,
    address: str,
    full_name: str = "Test Parent",
) -> str:
    """Redeem a code as a new parent, confirm by the e-mailed link, log in: a bearer token."""
    redeemed = await gql(
        q.REDEEM, {"code": code, "fullName": full_name, "login": address, "password": PASSWORD}
    )
    assert payload(redeemed, "redeemAccessCode")["status"] == "CONFIRMATION_SENT"
    mail = await mailbox.wait_for(address)
    async with gql.http() as http:
        done = await follow(http, mail.link())
    assert done.status_code == 200, done.text
    token: str = (await login(gql, address))["accessToken"]
    assert token
    return token
