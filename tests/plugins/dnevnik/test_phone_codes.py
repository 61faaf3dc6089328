"""Phones as well as e-mail: activating an account, confirming a security phone and
recovering a password by six-digit codes sent by SMS. The SMS plugin posts to a real HTTP
server on 127.0.0.1 standing in for the gateway, and each code is read from the SMS it got."""

from __future__ import annotations

import dataclasses
import itertools
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.applications import Starlette

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary_dnevnik.accounts import ACTIVATE_BY_PHONE
from ediary_dnevnik.recovery import RESET_BY_PHONE
from tests.conftest import GraphQLClient
from tests.mail import Mailbox
from tests.plugins.dnevnik import queries as q
from tests.plugins.dnevnik.conftest import Town
from tests.plugins.dnevnik.family import PASSWORD, error_codes, issue, login, payload, sign_up
from tests.servers import Gateway, sms_gateway

NEW_PASSWORD = "another long family password"


@pytest.fixture(scope="module")
def gateway_url() -> Iterator[tuple[Gateway, str]]:
    with sms_gateway() as found:
        yield found


@pytest.fixture(scope="module")
def gateway(gateway_url: tuple[Gateway, str]) -> Gateway:
    return gateway_url[0]


@pytest.fixture(scope="module")
def sms_app(settings: Settings, gateway_url: tuple[Gateway, str]) -> Starlette:
    """The app with the installed SMS plugin pointed at the local gateway."""
    extra = {**settings.extra, "EDIARY_SMS_GATEWAY_URL": gateway_url[1]}
    app = create_app(dataclasses.replace(settings, extra=extra), manage_database=False)
    assert app.state.notifier.has("sms")
    return app


_ADDRESSES = itertools.count(20)


@pytest.fixture
def client(gql: GraphQLClient, sms_app: Starlette) -> GraphQLClient:
    """A client of the SMS app from an address of its own per test, so limits per client
    of one test never meet another's."""
    return GraphQLClient(sms_app, gql.world, f"203.0.113.{next(_ADDRESSES)}")


async def sms_to(app: Starlette, gateway: Gateway, phone: str) -> list[str]:
    """The texts the gateway received for a number, oldest first."""
    await app.state.notifier.drain()
    with gateway.lock:
        return [str(m["text"]) for m in gateway.received if m["to"] == phone]


async def code_sent(app: Starlette, gateway: Gateway, phone: str) -> str:
    texts = await sms_to(app, gateway, phone)
    assert texts, f"no SMS to {phone}"
    found = re.search(r"\b(\d{6})\b", texts[-1])
    assert found is not None, texts[-1]
    return found[1]


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10**6:06d}"


async def with_phone(
    client: GraphQLClient, gateway: Gateway, mailbox: Mailbox, town: Town, who: str, phone: str
) -> str:
    """A parent signed up by e-mail whose security phone is confirmed: a bearer token."""
    code = (await issue(client, town, "class_3a", parents=1, students=False))[0]["code"]
    token = await sign_up(client, mailbox, code, who)
    asked = await client(q.CHANGE_PHONE, {"phone": phone, "password": PASSWORD}, bearer=token)
    assert payload(asked, "changeSecurityPhone") == {"ok": True, "userErrors": []}
    typed = await code_sent(client.app, gateway, phone)
    confirmed = await client(q.CONFIRM_PHONE, {"code": typed}, bearer=token)
    assert payload(confirmed, "confirmSecurityPhone") == {"ok": True, "userErrors": []}
    return token


async def test_a_new_account_is_activated_by_a_code_sent_by_sms(
    client: GraphQLClient, town: Town, mailbox: Mailbox, gateway: Gateway
) -> None:
    code = (await issue(client, town, "class_3a", parents=1, students=False))[0]["code"]
    address = "activated.by.sms@example.org"
    form = {
        "code": code,
        "fullName": "Smirnova Olga",
        "login": address,
        "password": PASSWORD,
        "phone": "8 (912) 000-11-01",
    }
    redeemed = await client(q.REDEEM_BY_PHONE, form)
    assert payload(redeemed, "redeemAccessCode") == {
        "status": "CONFIRMATION_SENT",
        "userErrors": [],
    }
    typed = await code_sent(client.app, gateway, "+79120001101")
    # The SMS replaces the e-mailed link; until the code is typed nobody can log in.
    assert mailbox.to(address) == []
    assert error_codes(await client(q.LOGIN, {"login": address, "password": PASSWORD}), "login")
    account = await models.User.get(login=address)
    assert not account.is_active and account.phone is None

    mistyped = await client(q.CONFIRM_BY_PHONE, {"phone": "+79120001101", "code": wrong(typed)})
    assert error_codes(mistyped, "confirmAccountByPhone") == ["TOKEN_INVALID"]
    unreadable = await client(q.CONFIRM_BY_PHONE, {"phone": "912-00", "code": typed})
    assert error_codes(unreadable, "confirmAccountByPhone") == ["PHONE_INVALID"]
    assert not (await models.User.get(login=address)).is_active

    done = await client(q.CONFIRM_BY_PHONE, {"phone": "+7 912 000 11 01", "code": typed})
    assert payload(done, "confirmAccountByPhone") == {"login": address, "userErrors": []}
    token = (await login(client, address))["accessToken"]
    viewer = (await client(q.VIEWER, bearer=token))["data"]["viewer"]
    assert len(viewer["children"]) == 1
    # The phone proved itself; the e-mail did not, so it is not used for recovery.
    security = payload(await client(q.SECURITY_MASKED, bearer=token), "securityParameters")
    assert security == {
        "email": None,
        "phone": "+79120001101",
        "maskedEmail": None,
        "maskedPhone": "+7 *** ***-**-01",
    }
    again = await client(q.CONFIRM_BY_PHONE, {"phone": "+79120001101", "code": typed})
    assert error_codes(again, "confirmAccountByPhone") == ["TOKEN_USED"]


async def test_an_unreadable_phone_at_sign_up_spends_nothing_and_sends_nothing(
    client: GraphQLClient, town: Town, gateway: Gateway
) -> None:
    code = (await issue(client, town, "class_3a", parents=1, students=False))[0]["code"]
    form = {
        "code": code,
        "fullName": "Petrov Pavel",
        "login": "bad.phone@example.org",
        "password": PASSWORD,
        "phone": "+7 495 12",
    }
    refused = await client(q.REDEEM_BY_PHONE, form)
    assert error_codes(refused, "redeemAccessCode") == ["PHONE_INVALID"]
    assert not await models.User.exists(login="bad.phone@example.org")
    # The access code is still good.
    form["phone"] = "+79120001102"
    redeemed = await client(q.REDEEM_BY_PHONE, form)
    assert payload(redeemed, "redeemAccessCode")["status"] == "CONFIRMATION_SENT"
    assert await code_sent(client.app, gateway, "+79120001102")


async def test_an_activation_code_expires_and_dies_after_five_tries(
    client: GraphQLClient, town: Town, gateway: Gateway
) -> None:
    codes = await issue(client, town, "class_3a", parents=2, students=False)
    for number, (access, phone) in enumerate(
        zip(codes[:2], ("+79120001103", "+79120001104"), strict=True)
    ):
        form = {
            "code": access["code"],
            "fullName": "Kozlov Ilya",
            "login": f"slow.parent{number}@example.org",
            "password": PASSWORD,
            "phone": phone,
        }
        assert (
            payload(await client(q.REDEEM_BY_PHONE, form), "redeemAccessCode")["userErrors"] == []
        )

    late = await code_sent(client.app, gateway, "+79120001103")
    await models.OneTimeCode.filter(purpose=ACTIVATE_BY_PHONE, used_at=None).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    expired = await client(q.CONFIRM_BY_PHONE, {"phone": "+79120001103", "code": late})
    assert error_codes(expired, "confirmAccountByPhone") == ["TOKEN_EXPIRED"]
    assert not (await models.User.get(login="slow.parent0@example.org")).is_active

    await models.OneTimeCode.filter(purpose=ACTIVATE_BY_PHONE, used_at=None).update(
        expires_at=datetime.now(UTC) + timedelta(minutes=10)
    )
    right = await code_sent(client.app, gateway, "+79120001104")
    guesses = []
    for _ in range(5):
        guessed = await client(q.CONFIRM_BY_PHONE, {"phone": "+79120001104", "code": wrong(right)})
        guesses.append(error_codes(guessed, "confirmAccountByPhone"))
    assert guesses == [["TOKEN_INVALID"]] * 5
    dead = await client(q.CONFIRM_BY_PHONE, {"phone": "+79120001104", "code": right})
    assert error_codes(dead, "confirmAccountByPhone") == ["TOKEN_EXHAUSTED"]
    assert not (await models.User.get(login="slow.parent1@example.org")).is_active


async def test_a_security_phone_is_confirmed_and_not_taken_from_another_person(
    client: GraphQLClient, town: Town, mailbox: Mailbox, gateway: Gateway
) -> None:
    owner = await with_phone(
        client, gateway, mailbox, town, "phone.first@example.org", "+79120001105"
    )
    security = payload(await client(q.SECURITY_MASKED, bearer=owner), "securityParameters")
    assert security == {
        "email": "phone.first@example.org",
        "phone": "+79120001105",
        "maskedEmail": "p***@example.org",
        "maskedPhone": "+7 *** ***-**-05",
    }

    code = (await issue(client, town, "class_3a", parents=1, students=False))[0]["code"]
    other = await sign_up(client, mailbox, code, "phone.second@example.org")
    unreadable = await client(
        q.CHANGE_PHONE, {"phone": "not a number", "password": PASSWORD}, bearer=other
    )
    assert error_codes(unreadable, "changeSecurityPhone") == ["PHONE_INVALID"]
    # Asking for the number answers as for any number: the asker need not hold the phone.
    asked = await client(
        q.CHANGE_PHONE, {"phone": "8 912 000-11-05", "password": PASSWORD}, bearer=other
    )
    assert payload(asked, "changeSecurityPhone") == {"ok": True, "userErrors": []}
    typed = await code_sent(client.app, gateway, "+79120001105")
    # Whoever typed the right code holds the phone; still, it stays with its first account.
    taken = await client(q.CONFIRM_PHONE, {"code": typed}, bearer=other)
    assert error_codes(taken, "confirmSecurityPhone") == ["PHONE_UNAVAILABLE"]
    assert (await models.User.get(login="phone.second@example.org")).phone is None
    assert (await models.User.get(login="phone.first@example.org")).phone == "+79120001105"


async def test_a_password_is_recovered_by_sms_and_a_login_reminded(
    client: GraphQLClient, town: Town, mailbox: Mailbox, gateway: Gateway
) -> None:
    address = "recovers.by.sms@example.org"
    phone = "+79120001106"
    old_session = await with_phone(client, gateway, mailbox, town, address, phone)

    asked = await client(q.REQUEST_RESET_BY_PHONE, {"phone": "8 912 000 11 06"})
    assert payload(asked, "requestPasswordResetByPhone") == {"ok": True, "userErrors": []}
    typed = await code_sent(client.app, gateway, phone)
    short = await client(q.RESET_BY_PHONE, {"phone": phone, "code": typed, "password": "short"})
    assert error_codes(short, "resetPasswordByPhone") == ["PASSWORD_TOO_SHORT"]
    mistyped = await client(
        q.RESET_BY_PHONE, {"phone": phone, "code": wrong(typed), "password": NEW_PASSWORD}
    )
    assert error_codes(mistyped, "resetPasswordByPhone") == ["TOKEN_INVALID"]
    assert (await login(client, address))["accessToken"]

    reset = await client(
        q.RESET_BY_PHONE, {"phone": phone, "code": typed, "password": NEW_PASSWORD}
    )
    assert payload(reset, "resetPasswordByPhone") == {"ok": True, "userErrors": []}
    assert (await login(client, address, NEW_PASSWORD))["accessToken"]
    assert [e["code"] for e in (await login(client, address))["userErrors"]] == [
        "INVALID_CREDENTIALS"
    ]
    # Every session ended, and the code cannot be used twice.
    assert (await client(q.VIEWER, bearer=old_session)).get("errors")
    again = await client(q.RESET_BY_PHONE, {"phone": phone, "code": typed, "password": PASSWORD})
    assert error_codes(again, "resetPasswordByPhone") == ["TOKEN_USED"]
    assert (await login(client, address, NEW_PASSWORD))["accessToken"]
    await mailbox.wait_for(address, 2)
    assert "Your school diary password was changed" in {m.subject for m in mailbox.to(address)}

    reminded = await client(q.REMIND, {"address": "+7 (912) 000-11-06"})
    assert payload(reminded, "remindLogin") == {"ok": True, "userErrors": []}
    assert address in (await sms_to(client.app, gateway, phone))[-1]


async def test_a_reset_code_dies_after_five_tries_and_expires(
    client: GraphQLClient, town: Town, mailbox: Mailbox, gateway: Gateway
) -> None:
    address = "guessed.by.sms@example.org"
    phone = "+79120001107"
    await with_phone(client, gateway, mailbox, town, address, phone)
    await client(q.REQUEST_RESET_BY_PHONE, {"phone": phone})
    right = await code_sent(client.app, gateway, phone)
    guesses = []
    for _ in range(5):
        guessed = await client(
            q.RESET_BY_PHONE, {"phone": phone, "code": wrong(right), "password": NEW_PASSWORD}
        )
        guesses.append(error_codes(guessed, "resetPasswordByPhone"))
    assert guesses == [["TOKEN_INVALID"]] * 5
    dead = await client(q.RESET_BY_PHONE, {"phone": phone, "code": right, "password": NEW_PASSWORD})
    assert error_codes(dead, "resetPasswordByPhone") == ["TOKEN_EXHAUSTED"]
    assert (await login(client, address))["accessToken"]

    # A new request brings a new code; once it is too old it is refused as such.
    fresh = client.from_address("203.0.113.250")
    await fresh(q.REQUEST_RESET_BY_PHONE, {"phone": phone})
    late = await code_sent(client.app, gateway, phone)
    await models.OneTimeCode.filter(purpose=RESET_BY_PHONE, used_at=None).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    expired = await fresh(
        q.RESET_BY_PHONE, {"phone": phone, "code": late, "password": NEW_PASSWORD}
    )
    assert error_codes(expired, "resetPasswordByPhone") == ["TOKEN_EXPIRED"]
    assert (await login(client, address))["accessToken"]


async def test_a_reset_request_for_an_unknown_phone_looks_like_a_known_one(
    client: GraphQLClient, town: Town, mailbox: Mailbox, gateway: Gateway
) -> None:
    known, unknown = "+79120001108", "+79120001109"
    await with_phone(client, gateway, mailbox, town, "known.phone@example.org", known)
    sent_before = len(await sms_to(client.app, gateway, known))
    answers: dict[str, Any] = {}
    timings: dict[str, float] = {}
    for phone in (known, unknown):
        started = time.perf_counter()
        answers[phone] = await client(q.REQUEST_RESET_BY_PHONE, {"phone": phone})
        timings[phone] = time.perf_counter() - started
    assert answers[known] == answers[unknown]
    assert payload(answers[known], "requestPasswordResetByPhone") == {"ok": True, "userErrors": []}
    # Only the real account's phone gets an SMS, after the answer.
    assert len(await sms_to(client.app, gateway, known)) == sent_before + 1
    assert await sms_to(client.app, gateway, unknown) == []
    assert abs(timings[known] - timings[unknown]) < 0.5
    # A code typed for the unknown number (none was ever sent) opens nothing.
    guessed = await client(
        q.RESET_BY_PHONE, {"phone": unknown, "code": "123456", "password": NEW_PASSWORD}
    )
    assert error_codes(guessed, "resetPasswordByPhone") == ["TOKEN_INVALID"]


async def test_recovery_by_phone_refuses_unreadable_numbers_and_servers_without_sms(
    client: GraphQLClient, gql: GraphQLClient
) -> None:
    asked = await client(q.REQUEST_RESET_BY_PHONE, {"phone": "+7 912"})
    assert error_codes(asked, "requestPasswordResetByPhone") == ["PHONE_INVALID"]
    # Without a gateway every number gets the same refusal: it is the server's set-up.
    no_sms = gql.from_address("203.0.113.251")
    for phone in ("+79120001108", "+79120009999"):
        refused = await no_sms(q.REQUEST_RESET_BY_PHONE, {"phone": phone})
        assert error_codes(refused, "requestPasswordResetByPhone") == ["CHANNEL_UNAVAILABLE"]
    reset = await client(
        q.RESET_BY_PHONE, {"phone": "call me", "code": "123456", "password": NEW_PASSWORD}
    )
    assert error_codes(reset, "resetPasswordByPhone") == ["PHONE_INVALID"]


async def test_a_student_code_activated_by_sms_gives_the_student_account_its_login(
    client: GraphQLClient, town: Town, gateway: Gateway
) -> None:
    codes = await issue(client, town, "class_3b", parents=0, students=True)
    [student_code] = [c["code"] for c in codes if c["role"] == "STUDENT"]
    form = {
        "code": student_code,
        "fullName": "Zueva Vera",
        "login": "vera.by.sms@example.org",
        "password": PASSWORD,
        "phone": "+79120001110",
    }
    assert payload(await client(q.REDEEM_BY_PHONE, form), "redeemAccessCode")["userErrors"] == []
    typed = await code_sent(client.app, gateway, "+79120001110")
    done = await client(q.CONFIRM_BY_PHONE, {"phone": "+79120001110", "code": typed})
    assert payload(done, "confirmAccountByPhone") == {
        "login": "vera.by.sms@example.org",
        "userErrors": [],
    }
    student = await models.User.get(id=town.ids["zueva_vera"])
    assert (student.login, student.phone, student.email) == (
        "vera.by.sms@example.org",
        "+79120001110",
        None,
    )
    assert (await login(client, "vera.by.sms@example.org"))["accessToken"]


async def test_an_account_cannot_be_activated_with_another_persons_phone(
    client: GraphQLClient, town: Town, mailbox: Mailbox, gateway: Gateway
) -> None:
    await with_phone(client, gateway, mailbox, town, "holds.number@example.org", "+79120001111")
    code = (await issue(client, town, "class_3a", parents=1, students=False))[0]["code"]
    form = {
        "code": code,
        "fullName": "Lebedev Oleg",
        "login": "wants.number@example.org",
        "password": PASSWORD,
        "phone": "+79120001111",
    }
    # The sign-up answers as always: whether the number is taken is not said to the asker.
    assert payload(await client(q.REDEEM_BY_PHONE, form), "redeemAccessCode") == {
        "status": "CONFIRMATION_SENT",
        "userErrors": [],
    }
    typed = await code_sent(client.app, gateway, "+79120001111")
    taken = await client(q.CONFIRM_BY_PHONE, {"phone": "+79120001111", "code": typed})
    assert error_codes(taken, "confirmAccountByPhone") == ["PHONE_UNAVAILABLE"]
    newcomer = await models.User.get(login="wants.number@example.org")
    assert not newcomer.is_active and newcomer.phone is None
    assert (await models.User.get(login="holds.number@example.org")).phone == "+79120001111"


async def test_a_sign_up_whose_sms_code_was_replaced_does_not_hold_its_login(
    client: GraphQLClient, town: Town, gateway: Gateway
) -> None:
    codes = await issue(client, town, "class_3a", parents=3, students=False)

    def form(index: int, login: str) -> dict[str, str]:
        return {
            "code": codes[index]["code"],
            "fullName": "Sokolova Anna",
            "login": login,
            "password": PASSWORD,
            "phone": "+79120001112",
        }

    first = await client(q.REDEEM_BY_PHONE, form(0, "first.try@example.org"))
    assert payload(first, "redeemAccessCode")["userErrors"] == []
    # A second sign-up with the same phone replaces the first one's code: the first
    # account can never be activated now.
    second = await client(q.REDEEM_BY_PHONE, form(1, "second.try@example.org"))
    assert payload(second, "redeemAccessCode")["userErrors"] == []
    first_account = await models.User.get(login="first.try@example.org")
    [replaced] = await models.OneTimeCode.filter(user_id=first_account.id)
    assert replaced.expires_at <= datetime.now(UTC) and replaced.used_at is None
    # So its login is free again for a new sign-up, which gets a code of its own.
    again = await client(q.REDEEM_BY_PHONE, form(2, "first.try@example.org"))
    assert payload(again, "redeemAccessCode")["userErrors"] == []
    typed = await code_sent(client.app, gateway, "+79120001112")
    done = await client(q.CONFIRM_BY_PHONE, {"phone": "+79120001112", "code": typed})
    assert payload(done, "confirmAccountByPhone") == {
        "login": "first.try@example.org",
        "userErrors": [],
    }
    assert not await models.User.exists(id=first_account.id)
