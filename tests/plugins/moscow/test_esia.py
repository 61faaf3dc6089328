"""The "esia" profile end to end against a provider that behaves like ESIA (State Services):
PKCE required, the client_secret a GOST signature the provider checks, the person and their
kids read from /rs/prns/{oid} and /rs/prns/{oid}/kids, the parent tied to their children by
SNILS. A wrong PKCE verifier or a wrong signature is refused and leaves nothing behind."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import httpx
import pytest
from ediary_moscow import plugin
from ediary_moscow.gost import SigningKeyError
from ediary_moscow.web import CHILD_NOT_FOUND, PURPOSE
from starlette.applications import Starlette

from ediary.adapters import PluginError, load_plugins
from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models, tokens
from ediary.domain.identity import snils_with_check_sum
from tests.esia.keys import make_key_pair
from tests.plugins.moscow.conftest import City
from tests.plugins.moscow.esia_provider import (
    EsiaProvider,
    esia_login,
    esia_settings,
    esia_snils,
)
from tests.plugins.moscow.journey import CHILDREN, Browser


def person(snils: str, first_name: str) -> dict[str, Any]:
    """A person as ESIA's /rs/prns/{oid} gives one."""
    return {
        "firstName": first_name,
        "lastName": "Соколова",
        "middleName": "Петровна",
        "birthDate": "12.04.1985",
        "gender": "F",
        "trusted": True,
        "citizenship": "RUS",
        "snils": esia_snils(snils),
        "updatedOn": 1764000000,
        "status": "REGISTERED",
        "verifying": False,
        "rIdDoc": 1544521,
        "containsUpCfmCode": False,
    }


def kid(oid: str, snils: str, first_name: str) -> dict[str, Any]:
    """A child as ESIA's kids list gives one."""
    return {
        "id": oid,
        "firstName": first_name,
        "lastName": "Соколов",
        "middleName": "Иванович",
        "birthDate": "01.03.2015",
        "gender": "M",
        "snils": esia_snils(snils),
        "type": "KID",
    }


# What the provider's signature checks say for a login with the registered key, and for one
# signed by a key it does not know.
ACCEPTED = [
    {"step": "authorization", "ok": True, "reason": ""},
    {"step": "token", "ok": True, "reason": ""},
]
REFUSED = {"ok": False, "reason": "the registered certificate is not in the signature"}


async def _spoil_verifier(state: str) -> None:
    """The PKCE verifier kept for this login becomes another one, well formed but wrong."""
    stored = await models.OneTimeToken.get(token_hash=tokens.digest(PURPOSE, state))
    stored.payload = {**stored.payload, "verifier": "x" * 64}
    await stored.save(update_fields=["payload"])


async def test_parent_logs_in_through_esia_and_gets_their_children(
    esia_app: Starlette, esia_provider: EsiaProvider, city: City
) -> None:
    parent_snils = snils_with_check_sum("310000001")
    stray_snils = snils_with_check_sum("310000002")  # a child in no school of the diary
    esia_provider.set_person(
        "1000310001",
        person(parent_snils, "Анна"),
        [
            kid("1000310011", city.snils["second_child"], "second_child"),
            kid("1000310012", stray_snils, "Стёпа"),
        ],
    )
    before = len(esia_provider.checks())
    browser = Browser(esia_app)
    page = await esia_login(esia_app, esia_provider, "1000310001", client=browser.client)

    # The provider checked the GOST signature of our client_secret, and accepted it.
    assert esia_provider.checks()[before:] == ACCEPTED
    # Logged in; the child in no school is told about, not linked.
    assert page.status_code == 200, page.text
    assert f"data-code='{CHILD_NOT_FOUND}'" in page.text
    assert browser.client.cookies.get("ediary_session")
    parent = await models.User.get(snils=parent_snils)
    assert (parent.last_name, parent.first_name, parent.middle_name) == (
        "Соколова",
        "Анна",
        "Петровна",
    )
    children = (await browser.gql(CHILDREN))["viewer"]["children"]
    assert [child["firstName"] for child in children] == ["second_child"]
    assert not await models.User.filter(snils=stray_snils).exists()


async def test_kids_given_as_references_are_read_one_by_one(
    esia_app: Starlette, esia_provider: EsiaProvider, city: City
) -> None:
    parent_snils = snils_with_check_sum("310000003")
    esia_provider.set_person(
        "1000310002",
        person(parent_snils, "Мария"),
        [kid("1000310021", city.snils["third_child"], "third_child")],
        kids_as_references=True,
    )
    browser = Browser(esia_app)
    page = await esia_login(esia_app, esia_provider, "1000310002", client=browser.client)
    assert page.status_code == 303, page.text
    children = (await browser.gql(CHILDREN))["viewer"]["children"]
    assert [child["firstName"] for child in children] == ["third_child"]


async def test_a_kid_reference_to_another_address_is_not_followed(
    esia_app: Starlette, esia_provider: EsiaProvider, city: City
) -> None:
    parent_snils = snils_with_check_sum("310000006")
    # The same provider under another name: were the reference followed (with the access
    # token), the kid would be read and linked.
    elsewhere = esia_provider.url.replace("127.0.0.1", "localhost")
    esia_provider.set_person(
        "1000310005",
        person(parent_snils, "Елена"),
        [kid("1000310051", city.snils["third_child"], "third_child")],
        kids_as_references=True,
        reference_base=elsewhere,
    )
    browser = Browser(esia_app)
    page = await esia_login(esia_app, esia_provider, "1000310005", client=browser.client)
    assert page.status_code == 303, page.text
    assert (await browser.gql(CHILDREN))["viewer"]["children"] == []


async def test_a_wrong_pkce_verifier_is_refused(
    esia_app: Starlette, esia_provider: EsiaProvider, city: City
) -> None:
    parent_snils = snils_with_check_sum("310000004")
    esia_provider.set_person(
        "1000310003",
        person(parent_snils, "Ольга"),
        [kid("1000310031", city.snils["first_child"], "first_child")],
    )
    sessions = await models.Session.all().count()
    before = len(esia_provider.checks())
    browser = Browser(esia_app)
    page = await esia_login(
        esia_app,
        esia_provider,
        "1000310003",
        client=browser.client,
        before_callback=_spoil_verifier,
    )
    # The signature was good: what the provider refused is the verifier.
    assert esia_provider.checks()[before:] == ACCEPTED
    assert page.status_code == 400, page.text
    assert "did not accept the login code" in page.text
    assert not browser.client.cookies.get("ediary_session")
    assert not await models.User.filter(snils=parent_snils).exists()
    assert await models.Session.all().count() == sessions


async def test_a_signature_by_another_key_is_refused_at_authorization(
    settings: Settings, esia_provider: EsiaProvider
) -> None:
    # Our server signs with a key and certificate the provider never registered.
    app = create_app(
        esia_settings(settings, esia_provider, esia_provider.stranger), manage_database=False
    )
    before = len(esia_provider.checks())
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://testserver"
    ) as ours:
        start = await ours.get("/moscow/login")
    assert start.status_code == 302, start.text
    async with httpx.AsyncClient(timeout=5) as browser:
        refused = await browser.get(start.headers["location"])
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_client"
    assert esia_provider.checks()[before:] == [{"step": "authorization", **REFUSED}]


async def test_a_signature_by_another_key_is_refused_at_the_token_request(
    settings: Settings, esia_app: Starlette, esia_provider: EsiaProvider, city: City
) -> None:
    parent_snils = snils_with_check_sum("310000005")
    esia_provider.set_person("1000310004", person(parent_snils, "Ирина"))
    # The login starts on a server with the registered key and ends on one without it.
    stranger = create_app(
        esia_settings(settings, esia_provider, esia_provider.stranger), manage_database=False
    )
    sessions = await models.Session.all().count()
    before = len(esia_provider.checks())
    browser = Browser(esia_app)
    page = await esia_login(
        esia_app, esia_provider, "1000310004", client=browser.client, finish_with=stranger
    )
    assert esia_provider.checks()[before:] == [ACCEPTED[0], {"step": "token", **REFUSED}]
    assert page.status_code == 400, page.text
    assert "did not accept the login code" in page.text
    assert not await models.User.filter(snils=parent_snils).exists()
    assert await models.Session.all().count() == sessions


def test_startup_refuses_the_esia_profile_without_a_usable_key(
    settings: Settings, tmp_path: Path
) -> None:
    # Only settings here: no provider is called, so none is started.
    pair, other = make_key_pair(tmp_path, "ours"), make_key_pair(tmp_path, "other")
    configured = esia_settings(settings, EsiaProvider("http://127.0.0.1:9", pair, other), pair)
    manager = load_plugins((), extra=[plugin])

    def start(**extra: str) -> None:
        changed = dataclasses.replace(configured, extra={**configured.extra, **extra})
        manager.hook.startup(app=None, settings=changed)

    start()  # a key and its certificate start
    with pytest.raises(SigningKeyError, match="EDIARY_MOSCOW_SIGNING_KEY is not set"):
        start(EDIARY_MOSCOW_SIGNING_KEY="")
    with pytest.raises(SigningKeyError, match=r"cannot read .*missing\.key"):
        start(EDIARY_MOSCOW_SIGNING_KEY=str(tmp_path / "missing.key"))
    with pytest.raises(SigningKeyError, match="does not belong to the certificate"):
        start(EDIARY_MOSCOW_SIGNING_KEY=str(other.key_path))
    with pytest.raises(SigningKeyError, match=r"EDIARY_MOSCOW_SIGNING_CERT .*not an X\.509"):
        start(EDIARY_MOSCOW_SIGNING_CERT=str(other.key_path))
    # The mos.ru profile signs nothing and needs no key.
    start(EDIARY_MOSCOW_PROFILE="mosru", EDIARY_MOSCOW_SIGNING_KEY="")


# The core calls every plugin's startup before awaiting any: another plugin's coroutine is
# left unawaited when this one refuses.
@pytest.mark.filterwarnings("ignore:coroutine 'startup' was never awaited:RuntimeWarning")
async def test_the_server_does_not_start_with_a_key_of_another_certificate(
    settings: Settings, tmp_path: Path
) -> None:
    pair, other = make_key_pair(tmp_path, "ours"), make_key_pair(tmp_path, "other")
    configured = esia_settings(settings, EsiaProvider("http://127.0.0.1:9", pair, other), pair)
    mixed = {**configured.extra, "EDIARY_MOSCOW_SIGNING_KEY": str(other.key_path)}
    app = create_app(dataclasses.replace(configured, extra=mixed), manage_database=False)
    with pytest.raises(PluginError, match="plugin 'moscow' failed: SigningKeyError: the key"):
        async with app.router.lifespan_context(app):
            pass
