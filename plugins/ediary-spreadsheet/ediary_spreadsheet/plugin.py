"""The hook of ediary-spreadsheet; the entry point `spreadsheet` names this module."""

from __future__ import annotations

from ediary.adapters import ImportBackend, hookimpl
from ediary_spreadsheet import importer


@hookimpl
def import_backends() -> list[ImportBackend]:
    return [ImportBackend(name=importer.NAME, title="School spreadsheet", run=importer.run)]
