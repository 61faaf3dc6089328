"""The hooks of ediary-tatarstan; the entry point `tatarstan` names this module."""

from __future__ import annotations

from starlette.routing import BaseRoute

from ediary.adapters import ImportBackend, LoginFlow, hookimpl
from ediary.config import Settings
from ediary.domain.grading import RegionPolicy
from ediary_tatarstan import classlist, web
from ediary_tatarstan.policy import tatarstan_policy
from ediary_tatarstan.settings import TatarstanSettings


@hookimpl
def region_policy(region_code: str, settings: Settings) -> RegionPolicy | None:
    """The region's grading rule; other regions are not ours."""
    ours = TatarstanSettings.from_env(settings.extra)
    return tatarstan_policy(ours) if region_code == ours.region else None


@hookimpl
def login_flows(settings: Settings) -> list[LoginFlow]:
    """The portal login in the plugin's region, once a client is registered at the portal."""
    ours = TatarstanSettings.from_env(settings.extra)
    if not ours.configured:
        return []
    return [
        LoginFlow(
            id=web.FLOW_ID,
            title="Log in through edu.tatar.ru",
            regions=(ours.region,),
            steps=("You will be sent to the portal edu.tatar.ru and back.",),
            url=f"{settings.public_url.rstrip('/')}{web.START}",
        )
    ]


@hookimpl
def http_routes(settings: Settings) -> list[BaseRoute]:
    """`/tatarstan/login` and `/tatarstan/callback`."""
    return web.routes()


@hookimpl
def startup(settings: Settings) -> None:
    """A bad EDIARY_TATARSTAN_* setting stops the start, naming the variable."""
    TatarstanSettings.from_env(settings.extra)


@hookimpl
def import_backends() -> list[ImportBackend]:
    """The schools' class-list export."""
    return [ImportBackend(name=classlist.NAME, title="Tatarstan class list", run=classlist.run)]
