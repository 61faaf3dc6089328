"""The portal's children list is the truth for the links it made: a child it stops listing
is unlinked through the lifecycle service (plugins' `guardianship_ended` runs), while a
child linked another way (an approved application) stays, and so does a portal whose answer
carries no children list at all."""

from __future__ import annotations

from ediary_moscow.models import PortalLink
from starlette.applications import Starlette

from ediary.adapters import hookimpl
from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from tests.plugins.moscow.conftest import City, OidcProvider, portal_login, portal_settings


class Recorder:
    def __init__(self) -> None:
        self.ended: list[tuple[int, int]] = []

    @hookimpl
    def guardianship_ended(self, parent_id: int, student_id: int) -> None:
        self.ended.append((parent_id, student_id))


def _app(settings: Settings, provider: OidcProvider, recorder: Recorder) -> Starlette:
    discovery = f"{provider.url}/.well-known/openid-configuration"
    return create_app(
        portal_settings(settings, discovery), manage_database=False, extra_plugins=[recorder]
    )


async def _children(parent_id: int) -> set[int]:
    rows = await models.Guardianship.filter(parent_id=parent_id).values_list("student_id")
    return {int(row[0]) for row in rows}


async def test_a_child_the_portal_drops_is_unlinked(
    settings: Settings, oidc_provider: OidcProvider, city: City
) -> None:
    recorder = Recorder()
    app = _app(settings, oidc_provider, recorder)
    first, second, third = (city.ids[n] for n in ("first_child", "second_child", "third_child"))
    claims = {"snils": "156-789-012 11", "family_name": "Petrova", "given_name": "Olga"}
    both = [{"snils": city.snils["first_child"]}, {"snils": city.snils["second_child"]}]
    oidc_provider.set_user("parent-drop", {**claims, "children": both})
    assert (await portal_login(app, oidc_provider, "parent-drop")).status_code == 303
    parent = await models.User.get(login="snils-15678901211")
    assert await _children(parent.id) == {first, second}
    # The third child came through an approved application, which the portal never lists.
    await models.Guardianship.create(parent=parent, student_id=third)

    oidc_provider.set_user("parent-drop", {**claims, "children": both[:1]})
    assert (await portal_login(app, oidc_provider, "parent-drop")).status_code == 303
    assert await _children(parent.id) == {first, third}
    assert recorder.ended == [(parent.id, second)]
    assert not await PortalLink.exists(parent_id=parent.id, student_id=second)

    # No children list in the answer (not shared this time): nothing is unlinked.
    oidc_provider.set_user("parent-drop", claims)
    assert (await portal_login(app, oidc_provider, "parent-drop")).status_code == 303
    assert await _children(parent.id) == {first, third}

    # An empty list is a list: the portal says there are none, so its link ends.
    oidc_provider.set_user("parent-drop", {**claims, "children": []})
    assert (await portal_login(app, oidc_provider, "parent-drop")).status_code == 303
    assert await _children(parent.id) == {third}
    assert recorder.ended == [(parent.id, second), (parent.id, first)]
