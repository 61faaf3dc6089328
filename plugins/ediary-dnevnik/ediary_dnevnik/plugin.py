"""The hooks ediary calls: the entry point `dnevnik` in the group `ediary` names this module."""

from __future__ import annotations

from starlette.routing import BaseRoute

from ediary.adapters import FlowField, GraphQLContribution, LoginFlow, ModelsApp, hookimpl
from ediary.config import Settings

ACCESS_CODE_FLOW_ID = "dnevnik-access-code"


def _regions(settings: Settings) -> tuple[str, ...]:
    # EDIARY_DNEVNIK_REGIONS limits the flow to some regions; unset, every region has it.
    listed = settings.extra.get("EDIARY_DNEVNIK_REGIONS", "")
    return tuple(code.strip() for code in listed.split(",") if code.strip())


def access_code_flow(settings: Settings) -> LoginFlow:
    return LoginFlow(
        id=ACCESS_CODE_FLOW_ID,
        title="I have an access code from the school",
        regions=_regions(settings),
        fields=(
            FlowField("code", "Access code", kind="code"),
            FlowField("fullName", "Full name (last, first, patronymic)"),
            FlowField("login", "E-mail (your login)", kind="email"),
            FlowField("password", "Password (at least 8 characters)", kind="password"),
            FlowField(
                "phone", "Mobile phone, to activate by SMS instead", kind="phone", required=False
            ),
        ),
        steps=(
            "Enter the code from the slip the class teacher gave you.",
            "Enter your full name, your e-mail as the login, and a password.",
            "Follow the link we e-mail you; then log in with the e-mail and password.",
            "Gave a phone? Type the code we send it by SMS instead (confirmAccountByPhone).",
            "Already have an account? Log in and enter the code to add another child.",
        ),
        mutation="redeemAccessCode",
    )


@hookimpl
def login_flows(settings: Settings) -> list[LoginFlow]:
    """The access code is how a family first gets in, so it is offered on the login screen."""
    return [access_code_flow(settings)]


@hookimpl
def registration_flows(settings: Settings) -> list[LoginFlow]:
    """Redeeming an access code creates an account."""
    return [access_code_flow(settings)]


@hookimpl
def database_models() -> dict[str, ModelsApp]:
    """Batches and access codes live in the plugin's own app, "dnevnik"."""
    return {
        "dnevnik": {
            "models": ["ediary_dnevnik.models"],
            "migrations": "ediary_dnevnik.migrations",
        }
    }


@hookimpl
def graphql_schema() -> GraphQLContribution:
    """Issue and redeem codes, confirm accounts, change passwords and security parameters,
    recover passwords and logins."""
    from ediary_dnevnik.graphql import CONTRIBUTION

    return CONTRIBUTION


@hookimpl
def http_routes(settings: Settings) -> list[BaseRoute]:
    """CSV and printable batches, and the pages e-mailed links open."""
    from ediary_dnevnik.web import routes

    return routes()
