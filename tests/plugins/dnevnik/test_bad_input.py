"""Bad input to the access-code flows: each gets a stable code in userErrors, changes
nothing, and is logged without secrets. Floods are throttled per client, code and account."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from ediary.domain import models
from ediary_dnevnik.limits import RECOVERY_PER_ACCOUNT
from ediary_dnevnik.models import AccessCode
from tests.conftest import GraphQLClient
from tests.mail import Mailbox
from tests.plugins.dnevnik import queries as q
from tests.plugins.dnevnik.conftest import Town
from tests.plugins.dnevnik.family import (
    PASSWORD,
    error_codes,
    follow,
    issue,
    payload,
    pick,
    sign_up,
    token_of,
)

_addresses = iter(range(1, 250))


def client(gql: GraphQLClient) -> GraphQLClient:
    """A client from an address of its own, so limits hit in one test stay there."""
    return gql.from_address(f"203.0.113.{next(_addresses)}")


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    caplog.set_level(logging.INFO, logger="ediary.dnevnik")
    yield caplog


async def _snapshot() -> tuple[int, int, int, int]:
    return (
        await models.User.all().count(),
        await models.Guardianship.all().count(),
        await models.OneTimeToken.filter(used_at__isnull=False).count(),
        await AccessCode.filter(redeemed_by_id__isnull=False).count(),
    )


def _sign_up(code: str, **changes: str) -> dict[str, Any]:
    return {
        "code": code,
        "fullName": "Petrov Petr",
        "login": "petrov@example.org",
        "password": PASSWORD,
    } | changes


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"code": "ABCD-EFGH-JKMN"}, "CODE_INVALID", "code"),  # well formed, never issued
        ({"code": "not a code"}, "CODE_INVALID", "code"),
        ({"password": "short"}, "PASSWORD_TOO_SHORT", "password"),
        ({"password": "x1" * 65}, "PASSWORD_TOO_LONG", "password"),
        ({"password": "qwerty123"}, "PASSWORD_TOO_COMMON", "password"),
        ({"password": "{login}"}, "PASSWORD_TOO_COMMON", "password"),  # the login itself
        ({"login": "petrov at example"}, "LOGIN_INVALID", "login"),
        ({"fullName": "Petr"}, "FULL_NAME_INVALID", "fullName"),
        ({"fullName": "", "login": ""}, "BAD_USER_INPUT", None),
    ],
)
async def test_bad_sign_ups_are_refused_change_nothing_and_are_logged(
    gql: GraphQLClient,
    town: Town,
    mailbox: Mailbox,
    logs: pytest.LogCaptureFixture,
    changes: dict[str, str],
    code: str,
    field: str | None,
) -> None:
    gql = client(gql)
    good = pick(await issue(gql, town, "class_3b", parents=1, students=False), "PARENT")
    before = await _snapshot()
    # An address of its own per case: every attempt counts against the login's limit.
    address = f"petrov.{abs(hash(str(changes)))}@example.org"
    sent = len(mailbox.to(address))
    variables = _sign_up(good, login=address) | {
        name: value.replace("{login}", address) for name, value in changes.items()
    }
    result = payload(await gql(q.REDEEM, variables), "redeemAccessCode")
    assert result["status"] is None
    [error] = result["userErrors"]
    assert error["code"] == code
    assert error["field"] == (["input", field] if field else None)
    assert await _snapshot() == before
    assert len(mailbox.to(address)) == sent
    # The same code still works afterwards: refusing spent nothing.
    retry = await gql(q.REDEEM, _sign_up(good, login=address))
    assert payload(retry, "redeemAccessCode")["userErrors"] == []
    text = "\n".join(r.getMessage() for r in logs.records)
    assert f"redeem access code: refused {code}" in text
    for secret in (good, variables["code"], variables["password"], address):
        assert secret not in text


async def test_used_and_expired_codes_are_refused(gql: GraphQLClient, town: Town) -> None:
    gql = client(gql)
    codes = await issue(gql, town, "class_3b", parents=2, students=False)
    used, expired = (c["code"] for c in codes[:2])
    redeemed = await gql(q.REDEEM, _sign_up(used, login="first.user@example.org"))
    assert payload(redeemed, "redeemAccessCode")["userErrors"] == []
    again = await gql(q.REDEEM, _sign_up(used, login="second.user@example.org"))
    assert error_codes(again, "redeemAccessCode") == ["CODE_USED"]

    batch_id = await AccessCode.filter(redeemed_by__login="first.user@example.org").first()
    assert batch_id is not None
    tokens = await AccessCode.filter(batch_id=batch_id.batch_id).values_list("token_id", flat=True)
    await models.OneTimeToken.filter(id__in=list(tokens), used_at__isnull=True).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    late = await gql(q.REDEEM, _sign_up(expired, login="late.user@example.org"))
    assert error_codes(late, "redeemAccessCode") == ["CODE_EXPIRED"]


async def test_a_code_of_another_school_is_refused(gql: GraphQLClient, town: Town) -> None:
    gql = client(gql)
    code = pick(await issue(gql, town, "class_3b", parents=1, students=False), "PARENT")
    elsewhere = await gql(
        q.REDEEM,
        _sign_up(code, login="wrong.school@example.org", schoolId=town.gid("School", "school_E")),
    )
    assert error_codes(elsewhere, "redeemAccessCode") == ["CODE_OTHER_SCHOOL"]
    right = await gql(
        q.REDEEM,
        _sign_up(code, login="right.school@example.org", schoolId=town.gid("School", "school_D")),
    )
    assert payload(right, "redeemAccessCode")["userErrors"] == []


async def test_tampered_and_replayed_links_are_refused(
    gql: GraphQLClient, town: Town, mailbox: Mailbox
) -> None:
    gql = client(gql)
    code = pick(await issue(gql, town, "class_3b", parents=1, students=False), "PARENT")
    address = "tamper.test@example.org"
    await gql(q.REDEEM, _sign_up(code, login=address))
    link = (await mailbox.wait_for(address)).link()
    token = token_of(link)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "", "x" * 500):
        refused = await gql(q.CONFIRM_ACCOUNT, {"token": bad})
        assert error_codes(refused, "confirmAccount") == ["TOKEN_INVALID"]
    assert not (await models.User.get(login=address)).is_active
    confirmed = await gql(q.CONFIRM_ACCOUNT, {"token": token})
    assert payload(confirmed, "confirmAccount") == {"login": address, "userErrors": []}
    replayed = await gql(q.CONFIRM_ACCOUNT, {"token": token})
    assert error_codes(replayed, "confirmAccount") == ["TOKEN_USED"]
    async with gql.http() as http:
        page = await http.post("/dnevnik/confirm/account", data={"token": tampered})
        assert page.status_code == 400 and 'data-code="TOKEN_INVALID"' in page.text
        # Opening a spent link says so at once, without a button.
        opened = await http.get(f"/dnevnik/confirm/account?token={token}")
        assert opened.status_code == 400 and 'data-code="TOKEN_USED"' in opened.text

    # A reset token is no confirmation token, and the other way round.
    await gql(q.REQUEST_RESET, {"login": address})
    reset_token = token_of((await mailbox.wait_for(address, 2)).link())
    crossed = await gql(q.CONFIRM_ACCOUNT, {"token": reset_token})
    assert error_codes(crossed, "confirmAccount") == ["TOKEN_INVALID"]
    forged = await gql(q.RESET, {"token": reset_token[::-1], "password": "a brand new one"})
    assert error_codes(forged, "resetPassword") == ["TOKEN_INVALID"]
    weak = await gql(q.RESET, {"token": reset_token, "password": "password"})
    assert error_codes(weak, "resetPassword") == ["PASSWORD_TOO_COMMON"]
    # The weak attempt rolled back: the link still works.
    done = await gql(q.RESET, {"token": reset_token, "password": "a brand new one"})
    assert payload(done, "resetPassword") == {"ok": True, "userErrors": []}


async def test_guessing_codes_locks_the_client(
    gql: GraphQLClient, town: Town, logs: pytest.LogCaptureFixture
) -> None:
    guesser = client(gql)
    code = pick(await issue(gql, town, "class_3b", parents=1, students=False), "PARENT")
    answers = []
    for n in range(11):
        guess = _sign_up(f"ZZZZ-ZZZZ-{n:04d}", login=f"guess{n}@example.org")
        answers.append(error_codes(await guesser(q.REDEEM, guess), "redeemAccessCode"))
    assert answers == [["CODE_INVALID"]] * 10 + [["TOO_MANY_ATTEMPTS"]]
    # Locked out even with a real code; another client is not.
    real = _sign_up(code, login="patient.parent@example.org")
    assert error_codes(await guesser(q.REDEEM, real), "redeemAccessCode") == ["TOO_MANY_ATTEMPTS"]
    assert payload(await client(gql)(q.REDEEM, real), "redeemAccessCode")["userErrors"] == []
    assert "redeem access code: refused TOO_MANY_ATTEMPTS (client 203.0.113." in logs.text


async def test_hammering_one_code_locks_that_code(gql: GraphQLClient, town: Town) -> None:
    code = pick(await issue(gql, town, "class_3b", parents=1, students=False), "PARENT")
    answers = []
    for n in range(6):
        # From ever new addresses, so only the limit per code can stop it.
        attempt = _sign_up(code, login=f"hammer{n}@example.org", password="password")
        answers.append(error_codes(await client(gql)(q.REDEEM, attempt), "redeemAccessCode"))
    assert answers == [["PASSWORD_TOO_COMMON"]] * 5 + [["TOO_MANY_ATTEMPTS"]]


async def test_reset_requests_are_limited_per_account_alike_for_unknown_logins(
    gql: GraphQLClient, mailbox: Mailbox
) -> None:
    # From ever new clients, so only the limit per account from everywhere can stop it; it
    # is higher than the one per account and client (tests/security/test_login_throttle.py).
    allowed = RECOVERY_PER_ACCOUNT.attempts
    for login in ("dn.admin_d", "nobody.here@example.org"):
        answers = [
            error_codes(
                await client(gql)(q.REQUEST_RESET, {"login": login}), "requestPasswordReset"
            )
            for _ in range(allowed + 1)
        ]
        assert answers == [[]] * allowed + [["TOO_MANY_ATTEMPTS"]]


async def test_logged_in_redeem_refusals(gql: GraphQLClient, town: Town, mailbox: Mailbox) -> None:
    gql = client(gql)
    codes = await issue(gql, town, "class_3b", parents=2, students=True)
    parent_code = pick(codes, "PARENT")
    token = await sign_up(gql, mailbox, parent_code, "linked.twice@example.org")
    student_code = pick(codes, "STUDENT")
    wrong_role = await gql(q.REDEEM, {"code": student_code}, bearer=token)
    assert error_codes(wrong_role, "redeemAccessCode") == ["CODE_WRONG_ROLE"]
    second_parent_code = next(
        c["code"] for c in codes if c["role"] == "PARENT" and c["code"] != parent_code
    )
    twice = await gql(q.REDEEM, {"code": second_parent_code}, bearer=token)
    assert error_codes(twice, "redeemAccessCode") == ["ALREADY_LINKED"]
    extra = await gql(q.REDEEM, {"code": second_parent_code, "password": "something"}, bearer=token)
    assert error_codes(extra, "redeemAccessCode") == ["BAD_USER_INPUT"]
    # None of these spent the codes.
    other = await sign_up(gql, mailbox, second_parent_code, "second.guardian@example.org")
    assert other


async def test_a_taken_login_gets_the_same_answer_and_a_note_to_its_owner(
    gql: GraphQLClient, town: Town, mailbox: Mailbox
) -> None:
    gql = client(gql)
    codes = await issue(gql, town, "class_3b", parents=2, students=False)
    owner = "already.here@example.org"
    await sign_up(gql, mailbox, codes[0]["code"], owner)
    again = await gql(q.REDEEM, _sign_up(codes[1]["code"], login=owner.upper()))
    assert payload(again, "redeemAccessCode") == {
        "status": "CONFIRMATION_SENT",
        "child": None,
        "userErrors": [],
    }
    note = await mailbox.wait_for(owner, 2)
    assert "already has an account" in note.body and "http" not in note.body
    # The code was not spent: its rightful holder can still use it.
    fresh = await gql(q.REDEEM, _sign_up(codes[1]["code"], login="someone.else@example.org"))
    assert payload(fresh, "redeemAccessCode")["userErrors"] == []


async def test_an_unconfirmed_sign_up_does_not_hold_the_address_forever(
    gql: GraphQLClient, town: Town, mailbox: Mailbox
) -> None:
    gql = client(gql)
    codes = await issue(gql, town, "class_3b", parents=2, students=False)
    address = "squatted@example.org"
    await gql(q.REDEEM, _sign_up(codes[0]["code"], login=address))
    squatter = await models.User.get(login=address)
    await models.OneTimeToken.filter(user_id=squatter.id).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    token = await _owner_signs_up(gql, mailbox, codes[1]["code"], address)
    assert token and not await models.User.exists(id=squatter.id)


async def _owner_signs_up(gql: GraphQLClient, mailbox: Mailbox, code: str, address: str) -> str:
    await gql(q.REDEEM, _sign_up(code, login=address))
    link = (await mailbox.wait_for(address, 2)).link()
    async with gql.http() as http:
        assert (await follow(http, link)).status_code == 200
    result = await gql(q.LOGIN, {"login": address, "password": PASSWORD})
    token: str = payload(result, "login")["accessToken"]
    return token
