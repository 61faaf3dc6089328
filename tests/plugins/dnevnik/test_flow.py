"""The whole access-code flow, end to end, through GraphQL, HTTP pages and a real SMTP server:
issue codes, redeem, confirm by link, log in, change the password, confirm a recovery address,
add a second child, recover the password."""

from __future__ import annotations

import csv
import io
import re

from ediary.domain import models
from tests.conftest import GraphQLClient
from tests.mail import Mail, Mailbox
from tests.plugins.dnevnik import queries as q
from tests.plugins.dnevnik.conftest import Town
from tests.plugins.dnevnik.family import PASSWORD, follow, issue, login, path, payload, pick


async def test_a_family_signs_up_with_codes_and_recovers_its_password(
    gql: GraphQLClient, town: Town, mailbox: Mailbox
) -> None:
    gql = gql.from_address("198.51.100.10")
    teacher = town.tokens["homeroom_teacher"]

    # The class teacher issues codes for class 3A: a student code and a parent code each.
    issued = payload(
        await gql(q.ISSUE, {"classId": town.gid("SchoolClass", "class_3a")}, bearer=teacher),
        "issueAccessCodes",
    )
    assert issued["userErrors"] == []
    batch = issued["batch"]
    assert batch["schoolClass"]["name"] == "3A"
    assert sorted((c["student"]["fullName"], c["role"]) for c in batch["codes"]) == [
        ("Belov Mark", "PARENT"),
        ("Belov Mark", "STUDENT"),
        ("Orlova Alisa", "PARENT"),
        ("Orlova Alisa", "STUDENT"),
    ]
    code = next(
        c["code"]
        for c in batch["codes"]
        if c["role"] == "PARENT" and c["student"]["fullName"] == "Orlova Alisa"
    )
    assert re.fullmatch(r"[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", code)

    # ...downloads them as CSV and as a printable page.
    async with gql.http() as http:
        auth = {"Authorization": f"Bearer {teacher}"}
        sheet = await http.get(path(batch["csvUrl"]), headers=auth)
        assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(sheet.text.lstrip("\ufeff"))))
        assert {(r["student"], r["role"], r["code"]) for r in rows} >= {
            ("Orlova Alisa", "parent", code)
        }
        printed = await http.get(path(batch["printUrl"]), headers=auth)
        assert printed.status_code == 200 and code in printed.text

    # A parent redeems the code: the account waits for its e-mail to be confirmed.
    redeemed = payload(
        await gql(
            q.REDEEM,
            {
                "code": code.lower().replace("-", " "),
                "fullName": "Orlova Maria Petrovna",
                "login": " Maria.Orlova@Example.org",
                "password": "a long family password",
            },
        ),
        "redeemAccessCode",
    )
    assert redeemed == {"status": "CONFIRMATION_SENT", "child": None, "userErrors": []}
    address = "maria.orlova@example.org"
    refused = await login(gql, address, "a long family password")
    assert refused["userErrors"][0]["code"] == "INVALID_CREDENTIALS"

    # The confirmation e-mail arrives over SMTP; following its link opens the account.
    confirmation = await mailbox.wait_for(address)
    assert confirmation.subject == "Confirm your school diary account"
    async with gql.http() as http:
        done = await follow(http, confirmation.link())
    assert done.status_code == 200 and "confirmed" in done.text
    token = (await login(gql, address, "a long family password"))["accessToken"]
    viewer = payload(await gql(q.VIEWER, bearer=token), "viewer")
    assert viewer == {
        "login": address,
        "roles": ["PARENT"],
        "children": [{"fullName": "Orlova Alisa"}],
    }
    assert payload(await gql(q.SECURITY, bearer=token), "securityParameters") == {
        "email": address,
        "phone": None,
    }

    # The password given at sign-up is changed; another session of the account ends.
    other_session = (await login(gql, address, "a long family password"))["accessToken"]
    changed = await gql(
        q.CHANGE_PASSWORD,
        {"current": "a long family password", "new": "the family's new secret"},
        bearer=token,
    )
    assert payload(changed, "changePassword") == {"ok": True, "userErrors": []}
    expired = await gql(q.VIEWER, bearer=other_session)
    assert expired["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"
    assert payload(await gql(q.VIEWER, bearer=token), "viewer")["login"] == address
    assert (await login(gql, address, "a long family password"))["accessToken"] is None
    assert (await mailbox.wait_for(address, 2)).subject == "Your school diary password was changed"

    # A new recovery address is used only after its link is followed.
    work = "m.orlova@work.example"
    asked = await gql(
        q.CHANGE_EMAIL, {"email": work, "password": "the family's new secret"}, bearer=token
    )
    assert payload(asked, "changeSecurityEmail") == {"ok": True, "userErrors": []}
    assert payload(await gql(q.SECURITY, bearer=token), "securityParameters")["email"] == address
    async with gql.http() as http:
        done = await follow(http, (await mailbox.wait_for(work)).link())
    assert done.status_code == 200
    assert payload(await gql(q.SECURITY, bearer=token), "securityParameters")["email"] == work

    # The school administration issues codes for class 3B; logged in, the parent adds a child.
    other = payload(
        await gql(
            q.ISSUE,
            {"classId": town.gid("SchoolClass", "class_3b"), "students": False},
            bearer=town.tokens["admin_d"],
        ),
        "issueAccessCodes",
    )
    second_code = other["batch"]["codes"][0]["code"]
    linked = payload(await gql(q.REDEEM, {"code": second_code}, bearer=token), "redeemAccessCode")
    assert linked == {
        "status": "LINKED",
        "child": {"fullName": "Zueva Vera"},
        "userErrors": [],
    }
    children = payload(await gql(q.VIEWER, bearer=token), "viewer")["children"]
    assert children == [{"fullName": "Orlova Alisa"}, {"fullName": "Zueva Vera"}]

    # "I don't remember my password": a reset link goes to the confirmed address.
    asked = await gql(q.REQUEST_RESET, {"login": address})
    assert payload(asked, "requestPasswordReset") == {"ok": True, "userErrors": []}
    reset_mail = await mailbox.wait_for(work, 2)
    assert reset_mail.subject == "Reset your school diary password"
    async with gql.http() as http:
        done = await follow(http, reset_mail.link(), new_password="recovered at last, 2026")
        assert done.status_code == 200, done.text
        # The link works once.
        again = await http.get(path(reset_mail.link()))
        assert again.status_code == 400 and 'data-code="TOKEN_USED"' in again.text
        token_value = reset_mail.link().split("token=", 1)[1]
        posted = await http.post(
            "/dnevnik/reset", data={"token": token_value, "new_password": "another one entirely"}
        )
        assert posted.status_code == 400 and 'data-code="TOKEN_USED"' in posted.text
    # A reset ends every session, this one too.
    expired = await gql(q.VIEWER, bearer=token)
    assert expired["errors"][0]["extensions"]["code"] == "SESSION_EXPIRED"
    fresh = (await login(gql, address, "recovered at last, 2026"))["accessToken"]
    assert len(payload(await gql(q.VIEWER, bearer=fresh), "viewer")["children"]) == 2

    # "I don't remember my login": it goes to the confirmed address.
    reminded = await gql(q.REMIND, {"address": work.upper()})
    assert payload(reminded, "remindLogin") == {"ok": True, "userErrors": []}
    reminder = next(m for m in await _all(mailbox, work, 4) if "login" in m.subject)
    assert address in reminder.body


async def _all(mailbox: Mailbox, address: str, count: int) -> list[Mail]:
    await mailbox.wait_for(address, count)
    return mailbox.to(address)


async def test_a_student_code_gives_the_students_own_account_a_login(
    gql: GraphQLClient, town: Town, mailbox: Mailbox
) -> None:
    gql = gql.from_address("198.51.100.11")
    codes = await issue(gql, town, "class_3a", parents=0)
    code = pick(codes, "STUDENT", "Belov Mark")
    address = "mark.belov@example.org"
    redeemed = await gql(
        q.REDEEM,
        {"code": code, "fullName": "Belov Mark", "login": address, "password": PASSWORD},
    )
    assert payload(redeemed, "redeemAccessCode")["status"] == "CONFIRMATION_SENT"
    # Until the link is followed, the school's login stays and the new one does not work.
    assert (await login(gql, address))["accessToken"] is None
    async with gql.http() as http:
        assert (await follow(http, (await mailbox.wait_for(address)).link())).status_code == 200
    token = (await login(gql, address))["accessToken"]
    viewer = payload(await gql(q.VIEWER, bearer=token), "viewer")
    assert viewer == {"login": address, "roles": ["STUDENT"], "children": []}
    student = await gql("{ viewer { student { id fullName } } }", bearer=token)
    assert student["data"]["viewer"]["student"] == {
        "id": town.gid("Student", "belov_mark"),
        "fullName": "Belov Mark",
    }
    assert not await models.User.exists(login="dn.belov_mark")
