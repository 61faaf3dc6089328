"""The hooks of ediary-tatarstan; the entry point `tatarstan` names this module. Each hook
hands over to the module that holds the region's logic."""

from __future__ import annotations

from starlette.routing import BaseRoute

from ediary.adapters import ImportBackend, LoginFlow, hookimpl
from ediary.config import Settings
from ediary.domain.grading import RegionPolicy
from ediary_tatarstan import classlist, web
from ediary_tatarstan.policy import region_policy_of
from ediary_tatarstan.settings import TatarstanSettings


@hookimpl
def region_policy(region_code: str, settings: Settings) -> RegionPolicy | None:
    return region_policy_of(region_code, TatarstanSettings.from_env(settings.extra))


@hookimpl
def login_flows(settings: Settings) -> list[LoginFlow]:
    return web.portal_flows(settings)


@hookimpl
def http_routes(settings: Settings) -> list[BaseRoute]:
    return web.routes()


@hookimpl
def import_backends() -> list[ImportBackend]:
    return [ImportBackend(name=classlist.NAME, title="Tatarstan class list", run=classlist.run)]


@hookimpl
def startup(settings: Settings) -> None:
    # Read once at the start, so a bad EDIARY_TATARSTAN_* value stops it, naming the variable.
    TatarstanSettings.from_env(settings.extra)
