"""Import backends: read a region's export (OneRoster CSV, a portal's dump) into the diary."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from ediary.domain.reach import Reach


@dataclass
class ImportReport:
    """What an import did, or would do on a dry run."""

    dry_run: bool
    # Objects created or updated, by kind ("students": 250).
    counts: dict[str, int] = field(default_factory=dict)
    # Rows skipped and why, for people to fix the source.
    problems: list[str] = field(default_factory=list)


# Reads `path` as the actor of `reach` (ediary.domain.reach): it may create or change only what
# the reach owns, and grant only roles the reach may grant (ReachGuard). With dry_run=True it
# changes nothing and reports what it would do.
ImportRunner = Callable[[Path, bool, "Reach"], Awaitable[ImportReport]]


@dataclass(frozen=True)
class ImportBackend:
    """One importer: `ediary import NAME PATH (--school ID | --region CODE)... [--dry-run]`
    runs it within the schools and regions named."""

    name: str
    title: str
    run: ImportRunner


def backends_by_name(manager: pluggy.PluginManager) -> dict[str, ImportBackend]:
    """Every import backend of the loaded plugins; the first of a name wins."""
    from ediary.adapters.manager import collect

    found: dict[str, ImportBackend] = {}
    for _, backends in collect(manager, "import_backends"):
        for backend in backends:
            found.setdefault(backend.name, backend)
    return found
