"""Recovery never tells whether an account exists; phones are confirmed by SMS codes
through a channel plugin, and refused when no SMS gateway is installed."""

from __future__ import annotations

import re
import time

import pytest
from starlette.applications import Starlette

from ediary.adapters import Message, hookimpl
from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from tests.conftest import GraphQLClient
from tests.mail import Mailbox
from tests.plugins.dnevnik import queries as q
from tests.plugins.dnevnik.conftest import Town
from tests.plugins.dnevnik.family import PASSWORD, error_codes, issue, payload, sign_up


class SmsGateway:
    """A channel plugin that keeps the SMS it is given, as a gateway would deliver them."""

    name = "sms"

    def __init__(self) -> None:
        self.sent: list[Message] = []

    @hookimpl
    def notification_channels(self, settings: Settings) -> list[object]:
        return [self]

    async def send(self, message: Message) -> None:
        self.sent.append(message)


@pytest.fixture(scope="module")
def gateway() -> SmsGateway:
    return SmsGateway()


@pytest.fixture(scope="module")
def sms_app(settings: Settings, gateway: SmsGateway) -> Starlette:
    return create_app(settings, manage_database=False, extra_plugins=[gateway])


async def test_reset_and_reminder_answers_do_not_tell_who_has_an_account(
    gql: GraphQLClient, town: Town, mailbox: Mailbox
) -> None:
    gql = gql.from_address("198.51.100.40")
    code = (await issue(gql, town, "class_3a", parents=1, students=False))[0]["code"]
    known = "known.parent@example.org"
    await sign_up(gql, mailbox, code, known)
    answers = {}
    timings = {}
    for address in (known, "unknown.parent@example.org"):
        started = time.perf_counter()
        answers[address] = (
            await gql(q.REQUEST_RESET, {"login": address}),
            await gql(q.REMIND, {"address": address}),
        )
        timings[address] = time.perf_counter() - started
    assert answers[known] == answers["unknown.parent@example.org"]
    assert payload(answers[known][0], "requestPasswordReset") == {"ok": True, "userErrors": []}
    # Only the real account gets mail: a reset link and a reminder.
    await mailbox.wait_for(known, 3)
    subjects = {m.subject for m in mailbox.to(known)}
    assert {"Reset your school diary password", "Your school diary login"} <= subjects
    assert mailbox.to("unknown.parent@example.org") == []
    # Sending happens after the answer, so the answer does not wait for the mail server.
    assert abs(timings[known] - timings["unknown.parent@example.org"]) < 0.5


async def test_unconfirmed_accounts_get_no_reset_link(
    gql: GraphQLClient, town: Town, mailbox: Mailbox
) -> None:
    gql = gql.from_address("198.51.100.41")
    code = (await issue(gql, town, "class_3a", parents=1, students=False))[0]["code"]
    address = "never.confirmed@example.org"
    await gql(
        q.REDEEM,
        {"code": code, "fullName": "Never Confirmed", "login": address, "password": PASSWORD},
    )
    await mailbox.wait_for(address)
    asked = await gql(q.REQUEST_RESET, {"login": address})
    assert payload(asked, "requestPasswordReset")["ok"] is True
    await gql.app.state.notifier.drain()
    assert len(mailbox.to(address)) == 1


async def test_a_phone_is_used_only_after_its_code_is_typed(
    gql: GraphQLClient, town: Town, mailbox: Mailbox, sms_app: Starlette, gateway: SmsGateway
) -> None:
    gql = gql.from_address("198.51.100.42")
    code = (await issue(gql, town, "class_3a", parents=1, students=False))[0]["code"]
    token = await sign_up(gql, mailbox, code, "phone.owner@example.org")

    # Without an SMS gateway phones cannot be confirmed, so they are not taken at all.
    refused = await gql(
        q.CHANGE_PHONE, {"phone": "+7 912 345-67-89", "password": PASSWORD}, bearer=token
    )
    assert error_codes(refused, "changeSecurityPhone") == ["CHANNEL_UNAVAILABLE"]

    with_sms = GraphQLClient(sms_app, gql.world, "198.51.100.42")
    wrong_password = await with_sms(
        q.CHANGE_PHONE, {"phone": "+79123456789", "password": "not it at all"}, bearer=token
    )
    assert error_codes(wrong_password, "changeSecurityPhone") == ["INVALID_CREDENTIALS"]
    bad_number = await with_sms(
        q.CHANGE_PHONE, {"phone": "12345", "password": PASSWORD}, bearer=token
    )
    assert error_codes(bad_number, "changeSecurityPhone") == ["PHONE_INVALID"]
    asked = await with_sms(
        q.CHANGE_PHONE, {"phone": "8 (912) 345-67-89", "password": PASSWORD}, bearer=token
    )
    assert payload(asked, "changeSecurityPhone") == {"ok": True, "userErrors": []}
    await sms_app.state.notifier.drain()
    [sms] = [m for m in gateway.sent if m.to == "+79123456789"]
    typed = re.search(r"\b(\d{6})\b", sms.body)
    assert typed is not None
    assert payload(await with_sms(q.SECURITY, bearer=token), "securityParameters")["phone"] is None

    wrong = "000000" if typed[1] != "000000" else "111111"
    mistyped = await with_sms(q.CONFIRM_PHONE, {"code": wrong}, bearer=token)
    assert error_codes(mistyped, "confirmSecurityPhone") == ["TOKEN_INVALID"]
    confirmed = await with_sms(q.CONFIRM_PHONE, {"code": typed[1]}, bearer=token)
    assert payload(confirmed, "confirmSecurityPhone") == {"ok": True, "userErrors": []}
    assert payload(await with_sms(q.SECURITY, bearer=token), "securityParameters")["phone"] == (
        "+79123456789"
    )

    # "I don't remember my login" by phone goes through the gateway.
    reminded = await with_sms(q.REMIND, {"address": "+7 912 345 67 89"})
    assert payload(reminded, "remindLogin") == {"ok": True, "userErrors": []}
    await sms_app.state.notifier.drain()
    assert "phone.owner@example.org" in gateway.sent[-1].body


async def test_phone_codes_cannot_be_guessed(
    gql: GraphQLClient, town: Town, mailbox: Mailbox, sms_app: Starlette, gateway: SmsGateway
) -> None:
    gql = gql.from_address("198.51.100.43")
    code = (await issue(gql, town, "class_3a", parents=1, students=False))[0]["code"]
    token = await sign_up(gql, mailbox, code, "phone.guesser@example.org")
    with_sms = GraphQLClient(sms_app, gql.world, "198.51.100.43")
    await with_sms(q.CHANGE_PHONE, {"phone": "+79990001122", "password": PASSWORD}, bearer=token)
    await sms_app.state.notifier.drain()
    sent = next(m for m in gateway.sent if m.to == "+79990001122")
    found = re.search(r"\b(\d{6})\b", sent.body)
    assert found is not None
    guesses = [f"{n:06d}" for n in range(6) if f"{n:06d}" != found[1]][:5]

    async def confirm(code: str) -> list[str]:
        result = await with_sms(q.CONFIRM_PHONE, {"code": code}, bearer=token)
        return error_codes(result, "confirmSecurityPhone")

    assert [await confirm(guess) for guess in guesses] == [["TOKEN_INVALID"]] * 5
    # After five wrong tries even the right code waits out the lock.
    assert await confirm(found[1]) == ["TOO_MANY_ATTEMPTS"]
    user = await models.User.get(login="phone.guesser@example.org")
    assert user.phone is None
