"""The hooks ediary calls: the entry point `oneroster` in the group `ediary` names this module."""

from __future__ import annotations

from ediary.adapters import GraphQLContribution, ImportBackend, ModelsApp, hookimpl
from ediary.config import Settings


@hookimpl
def import_backends() -> list[ImportBackend]:
    """`ediary import oneroster PATH (--school ID | --region CODE)... [--dry-run]`."""
    from ediary_oneroster.run import BACKEND

    return [BACKEND]


@hookimpl
def database_models() -> dict[str, ModelsApp]:
    """Source links, demographics and import jobs live in the plugin's own app."""
    return {
        "oneroster": {
            "models": ["ediary_oneroster.models"],
            "migrations": "ediary_oneroster.migrations",
        }
    }


@hookimpl
def graphql_schema() -> GraphQLContribution:
    """`startImport` for school administrators, `importJob` to follow it."""
    from ediary_oneroster.graphql import CONTRIBUTION

    return CONTRIBUTION


@hookimpl
async def startup(settings: Settings) -> None:
    """Jobs a stopped server left queued or running are marked failed."""
    from ediary_oneroster.jobs import fail_interrupted_jobs

    await fail_interrupted_jobs()
