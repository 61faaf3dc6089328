"""The hooks ediary calls: the entry point `moscow` in the group `ediary` names this module."""

from __future__ import annotations

from collections.abc import Awaitable

from starlette.routing import BaseRoute

from ediary.adapters import GraphQLContribution, LoginFlow, ModelsApp, hookimpl
from ediary.config import Settings
from ediary.domain.access import Viewer
from ediary.domain.enums import Role
from ediary.domain.grading import RegionPolicy
from ediary.domain.models import Enrollment, Guardianship, RoleGrant, User
from ediary_moscow.applications import READ_APPLICATION
from ediary_moscow.links import PORTAL_FLOW_ID
from ediary_moscow.models import DiaryApplication, PortalLink
from ediary_moscow.settings import moscow_settings


def portal_flow(settings: Settings) -> LoginFlow:
    config = moscow_settings(settings)
    return LoginFlow(
        id=PORTAL_FLOW_ID,
        title="Log in with mos.ru (State Services)",
        regions=(config.region, *sorted(config.switched_regions - {config.region})),
        steps=(
            "You will be sent to the portal to log in, and back.",
            "Your children are linked when the portal knows them; otherwise file an "
            "application for each child.",
        ),
        url=f"{settings.public_url.rstrip('/')}/moscow/login",
    )


@hookimpl
def login_flows(settings: Settings) -> list[LoginFlow]:
    """The portal login; it also creates the account on the first visit."""
    return [portal_flow(settings)] if moscow_settings(settings).configured else []


@hookimpl
def registration_flows(settings: Settings) -> list[LoginFlow]:
    """The first portal login creates a parent account."""
    return [portal_flow(settings)] if moscow_settings(settings).configured else []


@hookimpl
def region_policy(region_code: str, settings: Settings) -> RegionPolicy | None:
    """Parents in the region see the last school month of a child's diary."""
    config = moscow_settings(settings)
    if region_code != config.region:
        return None
    return RegionPolicy(code=config.region, parent_lookback_days=config.lookback_days)


@hookimpl
def password_login_refusal(user: User, settings: Settings) -> Awaitable[str | None] | None:
    """School-issued logins of parents stop once their children's region has switched."""
    switched = moscow_settings(settings).switched_regions
    if not switched:
        return None

    async def decide() -> str | None:
        rows = await RoleGrant.filter(user_id=user.id).values("role")
        roles = {Role(row["role"]) for row in rows}
        if roles - {Role.PARENT} or Role.PARENT not in roles:
            return None  # staff and students keep their logins
        children = await Guardianship.filter(parent_id=user.id).values_list("student_id", flat=True)
        today = settings.school_today()
        rows = await Enrollment.filter(student_id__in=list(children), starts_on__lte=today).values(
            "ends_on", "school_class__school__region__code"
        )
        if any(
            (r["ends_on"] is None or r["ends_on"] >= today)
            and r["school_class__school__region__code"] in switched
            for r in rows
        ):
            return (
                "Your school now uses the mos.ru login: the login and password from the school "
                "no longer work. Choose \u201cLog in with mos.ru (State Services)\u201d; if "
                "your child is not linked then, file an application \u201cElectronic student "
                "diary\u201d."
            )
        return None

    return decide()


@hookimpl
def startup(settings: Settings) -> None:
    """The ESIA profile signs every token request with the organisation's GOST key: a
    missing or unreadable key, or one that is not the certificate's, stops the server here
    with the setting named (SigningKeyError), rather than failing each parent's login."""
    config = moscow_settings(settings)
    if config.configured:
        config.signer()


@hookimpl
def access_allowed(viewer: Viewer, action: str, target: object) -> bool | None:
    """An application is the parent's who filed it and its school administration's."""
    if action != READ_APPLICATION or not isinstance(target, DiaryApplication):
        return None
    return target.parent_id == viewer.user_id or target.school_id in viewer.admin_schools


@hookimpl
def guardianship_ended(parent_id: int, student_id: int) -> Awaitable[None]:
    """Forget that the portal made the link, whichever way it ended."""

    async def forget() -> None:
        await PortalLink.filter(parent_id=parent_id, student_id=student_id).delete()

    return forget()


@hookimpl
def database_models() -> dict[str, ModelsApp]:
    """Diary applications live in the plugin's own app, "moscow"."""
    return {
        "moscow": {"models": ["ediary_moscow.models"], "migrations": "ediary_moscow.migrations"}
    }


@hookimpl
def graphql_schema() -> GraphQLContribution:
    """File, review and list diary applications."""
    from ediary_moscow.graphql import CONTRIBUTION

    return CONTRIBUTION


@hookimpl
def http_routes(settings: Settings) -> list[BaseRoute]:
    """The portal login: start and callback."""
    from ediary_moscow.web import routes

    return routes()
