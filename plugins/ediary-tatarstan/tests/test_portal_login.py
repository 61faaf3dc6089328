"""The portal login against the local portal service, a real HTTP server in its own process."""

from __future__ import annotations

import hashlib
from base64 import urlsafe_b64encode
from dataclasses import replace
from datetime import date
from urllib.parse import parse_qs, parse_qsl, urlsplit

import httpx
import pytest
from ediary_tatarstan.errors import PortalBadAnswer, PortalLoginFailed, PortalUnavailable
from ediary_tatarstan.portal import LoginRequest, Portal
from ediary_tatarstan.settings import TatarstanSettings
from portal_process import CLIENT_ID, CLIENT_SECRET, LocalPortal, free_port

REDIRECT_URI = "http://127.0.0.1:8000/tatarstan/callback"

MOTHER = {
    "snils": "112-233-445 95",
    "last_name": "Галиева",
    "first_name": "Алия",
    "middle_name": "Рустамовна",
    "children": [
        {
            "snils": "087-654-321 02",
            "last_name": "Галиев",
            "first_name": "Тимур",
            "middle_name": "Ильдарович",
            "birth_date": "2015-03-01",
            "school_code": "1650123",
            "class": "5 «а»",
        },
        {
            "snils": "123-456-789 64",
            "last_name": "Галиева",
            "first_name": "Камила",
            "birth_date": "2018-11-20",
            "school_code": "1650123",
            "class": "2Б",
        },
    ],
}


def portal_at(url: str, **more: str) -> Portal:
    env = {
        "EDIARY_TATARSTAN_PORTAL_URL": url,
        "EDIARY_TATARSTAN_CLIENT_ID": CLIENT_ID,
        "EDIARY_TATARSTAN_CLIENT_SECRET": CLIENT_SECRET,
        **more,
    }
    return Portal(TatarstanSettings.from_env(env))


async def log_in_on_portal(authorize_url: str, login: str, **form: str) -> dict[str, str]:
    """What a browser does on the portal's page: the query it is sent back to us with."""
    async with httpx.AsyncClient(timeout=5) as browser:
        page = await browser.get(authorize_url)
        assert page.status_code == 200
        assert "<form" in page.text
        answer = await browser.post(authorize_url, data={"login": login, **form})
    assert answer.status_code == 302
    back = urlsplit(answer.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == REDIRECT_URI
    return dict(parse_qsl(back.query))


@pytest.fixture(scope="module")
def portal(local_portal: LocalPortal) -> Portal:
    local_portal.add_person("galieva", MOTHER)
    return portal_at(local_portal.url)


async def test_a_parent_logs_in_with_their_children(portal: Portal) -> None:
    request = LoginRequest.new(REDIRECT_URI)
    back = await log_in_on_portal(portal.authorize_url(request), "galieva")

    person = await portal.finish(request, back)

    assert (person.snils, person.last_name, person.first_name, person.middle_name) == (
        "11223344595",
        "Галиева",
        "Алия",
        "Рустамовна",
    )
    assert [(c.snils, c.class_name, c.birth_date, c.school_code) for c in person.children] == [
        ("08765432102", "5А", date(2015, 3, 1), "1650123"),
        ("12345678964", "2Б", date(2018, 11, 20), "1650123"),
    ]
    assert person.children[1].middle_name is None
    assert person.unreadable_children == ()


async def test_the_authorization_request_carries_state_and_an_s256_challenge(
    portal: Portal,
) -> None:
    request = LoginRequest.new(REDIRECT_URI)

    query = parse_qs(urlsplit(portal.authorize_url(request)).query)

    digest = hashlib.sha256(request.verifier.encode()).digest()
    assert query["code_challenge"] == [urlsafe_b64encode(digest).decode().rstrip("=")]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] == [request.state]
    assert query["client_id"] == [CLIENT_ID]
    assert query["redirect_uri"] == [REDIRECT_URI]
    assert LoginRequest.new(REDIRECT_URI).state != request.state


async def test_a_wrong_verifier_is_refused_by_the_portal(portal: Portal) -> None:
    request = LoginRequest.new(REDIRECT_URI)
    back = await log_in_on_portal(portal.authorize_url(request), "galieva")
    forged = replace(request, verifier=LoginRequest.new(REDIRECT_URI).verifier)

    with pytest.raises(PortalLoginFailed) as refused:
        await portal.finish(forged, back)
    assert refused.value.code == "PORTAL_LOGIN_FAILED"
    # The portal spent the code on the failed try: the right verifier comes too late.
    with pytest.raises(PortalLoginFailed):
        await portal.finish(request, back)


async def test_a_wrong_state_is_refused_before_the_code_is_spent(portal: Portal) -> None:
    request = LoginRequest.new(REDIRECT_URI)
    back = await log_in_on_portal(portal.authorize_url(request), "galieva")

    for state in ("", "x", "состояние", LoginRequest.new(REDIRECT_URI).state):
        with pytest.raises(PortalLoginFailed, match="did not start in this browser"):
            await portal.finish(request, {**back, "state": state})
    without_state = {key: value for key, value in back.items() if key != "state"}
    with pytest.raises(PortalLoginFailed):
        await portal.finish(request, without_state)

    person = await portal.finish(request, back)
    assert person.snils == "11223344595"


async def test_a_login_declined_on_the_portal_is_refused(portal: Portal) -> None:
    request = LoginRequest.new(REDIRECT_URI)
    back = await log_in_on_portal(portal.authorize_url(request), "", decline="1")

    assert back == {"state": request.state, "error": "access_denied"}
    with pytest.raises(PortalLoginFailed, match="cancelled"):
        await portal.finish(request, back)


async def test_a_wrong_client_secret_is_refused(local_portal: LocalPortal) -> None:
    portal = portal_at(local_portal.url, EDIARY_TATARSTAN_CLIENT_SECRET="not-the-secret")
    local_portal.add_person("galieva", MOTHER)
    request = LoginRequest.new(REDIRECT_URI)
    back = await log_in_on_portal(portal.authorize_url(request), "galieva")

    with pytest.raises(PortalUnavailable) as refused:
        await portal.finish(request, back)
    assert refused.value.code == "PORTAL_UNAVAILABLE"


async def test_a_portal_that_is_down() -> None:
    portal = portal_at(f"http://127.0.0.1:{free_port()}")
    request = LoginRequest.new(REDIRECT_URI)

    with pytest.raises(PortalUnavailable) as down:
        await portal.finish(request, {"state": request.state, "code": "abc"})
    assert down.value.code == "PORTAL_UNAVAILABLE"
    assert "Try again" in down.value.message


async def test_a_portal_that_answers_too_slowly(local_portal: LocalPortal) -> None:
    portal = portal_at(f"{local_portal.url}/slow", EDIARY_TATARSTAN_TIMEOUT="0.3")
    request = LoginRequest.new(REDIRECT_URI)

    with pytest.raises(PortalUnavailable, match="in time"):
        await portal.finish(request, {"state": request.state, "code": "abc"})


async def test_a_portal_that_answers_a_maintenance_page(local_portal: LocalPortal) -> None:
    portal = portal_at(f"{local_portal.url}/broken")
    request = LoginRequest.new(REDIRECT_URI)

    with pytest.raises(PortalBadAnswer) as garbage:
        await portal.finish(request, {"state": request.state, "code": "abc"})
    assert garbage.value.code == "PORTAL_BAD_ANSWER"


async def test_a_person_without_a_valid_snils_is_a_bad_answer(
    portal: Portal, local_portal: LocalPortal
) -> None:
    local_portal.add_person("no-snils", {**MOTHER, "snils": "112-233-445 96"})
    request = LoginRequest.new(REDIRECT_URI)
    back = await log_in_on_portal(portal.authorize_url(request), "no-snils")

    with pytest.raises(PortalBadAnswer):
        await portal.finish(request, back)


async def test_an_unreadable_child_is_listed_and_the_others_kept(
    portal: Portal, local_portal: LocalPortal
) -> None:
    children = [
        *MOTHER["children"],
        {"snils": "087-654-321 02", "last_name": "Галиев", "class": "5А"},
        "not a child",
    ]
    local_portal.add_person("three", {**MOTHER, "children": children})
    async with httpx.AsyncClient() as shared:
        on_shared = Portal(portal.settings, client=shared)
        request = LoginRequest.new(REDIRECT_URI)
        back = await log_in_on_portal(on_shared.authorize_url(request), "three")
        person = await on_shared.finish(request, back)

    assert [child.first_name for child in person.children] == ["Тимур", "Камила"]
    assert person.unreadable_children == (
        "child 3: birth_date is missing",
        "child 4: a child is not an object",
    )
