"""The hooks of ediary-tatarstan; the entry point `tatarstan` names this module."""

from __future__ import annotations

from starlette.routing import BaseRoute

from ediary.adapters import ImportBackend, LoginFlow, hookimpl
from ediary.config import Settings
from ediary.domain.grading import RegionPolicy
from ediary_tatarstan import classlist, web
from ediary_tatarstan.policy import tatarstan_policy
from ediary_tatarstan.settings import TatarstanSettings


def portal_flow(settings: Settings) -> LoginFlow:
    """The portal login, offered in the plugin's region."""
    return LoginFlow(
        id=web.FLOW_ID,
        title="Войти через edu.tatar.ru",
        regions=(TatarstanSettings.from_env(settings.extra).region,),
        steps=("Вы перейдёте на портал edu.tatar.ru и вернётесь в дневник.",),
        url=f"{settings.public_url.rstrip('/')}{web.START}",
    )


@hookimpl
def region_policy(region_code: str, settings: Settings) -> RegionPolicy | None:
    """The region's grading rule; other regions are not ours."""
    ours = TatarstanSettings.from_env(settings.extra)
    return tatarstan_policy(ours) if region_code == ours.region else None


@hookimpl
def login_flows(settings: Settings) -> list[LoginFlow]:
    """The portal login, once a client is registered at the portal."""
    return [portal_flow(settings)] if TatarstanSettings.from_env(settings.extra).configured else []


@hookimpl
def http_routes(settings: Settings) -> list[BaseRoute]:
    """`/tatarstan/login` and `/tatarstan/callback`."""
    return web.routes()


@hookimpl
def import_backends() -> list[ImportBackend]:
    """The schools' class-list export."""
    return [ImportBackend(name=classlist.NAME, title="Tatarstan class list", run=classlist.run)]
