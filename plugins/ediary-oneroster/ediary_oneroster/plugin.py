"""The hooks ediary calls: the entry point `oneroster` in the group `ediary` names this module."""

from __future__ import annotations

from ediary.adapters import GraphQLContribution, ImportBackend, ModelsApp, hookimpl


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
