"""Import backends: read a region's export (OneRoster CSV, a portal's dump) into the diary.

The core runs every import (`run_import`): in one transaction, rolled back for a dry run and
for a set refused or aborted, with an `ImportContext` that gives the runner everything it
needs of the server (settings, region policy, today, the actor's reach, progress).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import pluggy

from ediary.domain.errors import DomainError
from ediary.domain.import_lock import ImportAlreadyRunning, import_transaction

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ediary.config import Settings
    from ediary.domain.class_lists import ListedLine
    from ediary.domain.grading import RegionPolicy
    from ediary.domain.imports import ImportScope
    from ediary.domain.reach import Reach

log = logging.getLogger("ediary.imports")


class ImportOutcome(StrEnum):
    """How an import ended, as `ediary import` says it and exits."""

    IMPORTED = "imported"
    WARNINGS = "imported with warnings"
    # Some rows rejected, the others imported.
    REJECTIONS = "imported with rejected rows"
    # The whole set refused before or while writing: nothing was written.
    REFUSED = "refused"
    # Stopped on an error of ours: nothing was written.
    ABORTED = "aborted"


class Said(Protocol):
    """Something a reader says of a row: a stable code and a message for people."""

    @property
    def code(self) -> str: ...

    @property
    def message(self) -> str: ...


@dataclass
class ImportReport:
    """What an import did, or would do on a dry run."""

    dry_run: bool
    # Objects created or updated, by kind ("students": 250).
    counts: dict[str, int] = field(default_factory=dict)
    # Rows rejected and why, for people to fix the source; the other rows are imported.
    problems: list[str] = field(default_factory=list)
    # Rows imported with something to look at (a field left out, a value adjusted).
    warnings: list[str] = field(default_factory=list)
    # What the runner says of the whole file before its rows, such as which column it read
    # as which field; shown first, and no part of the outcome.
    notes: list[str] = field(default_factory=list)
    # Why the whole set was refused; set, nothing is written.
    refusal: str | None = None
    # Set by the core when the runner raised: nothing is written.
    aborted: bool = False

    @property
    def outcome(self) -> ImportOutcome:
        if self.aborted:
            return ImportOutcome.ABORTED
        if self.refusal is not None:
            return ImportOutcome.REFUSED
        if self.problems:
            return ImportOutcome.REJECTIONS
        if self.warnings:
            return ImportOutcome.WARNINGS
        return ImportOutcome.IMPORTED

    @property
    def written(self) -> bool:
        """Whether the import's changes were (or, on a dry run, would be) kept."""
        return self.outcome not in (ImportOutcome.REFUSED, ImportOutcome.ABORTED)

    @property
    def exit_code(self) -> int:
        """0 imported (warnings at most), 1 rows rejected, 2 nothing written."""
        if not self.written:
            return 2
        return 1 if self.problems else 0

    def count(self, kind: str, added: int = 1) -> None:
        """Add to the number of objects of `kind` created or updated."""
        self.counts[kind] = self.counts.get(kind, 0) + added

    def record_line(self, place: str, line: ListedLine, warnings: Iterable[Said] = ()) -> None:
        """Record what writing one line of a class list did (`import_line`), with what the
        reader said of it, each under `place` ("row 7"): the student refused is a problem;
        a parent left out, a warning."""
        if line.refused is not None:
            self.problems.append(f"{place} [{line.refused.code}]: {line.refused.message}")
            return
        self.count("students")
        self.warnings += [f"{place} [{said.code}]: {said.message}" for said in warnings]
        if line.parent_refused is not None:
            self.warnings.append(
                f"{place} [PARENT_SKIPPED]: the parent is not imported: "
                f"{line.parent_refused.message}"
            )
        elif line.guardian_linked is not None:
            self.count("parents")
            if line.guardian_linked:
                self.count("guardians")


class ImportProgress:
    """Rows done out of a total: the runner reports, `ediary import` draws a progress bar and
    an API job records it. `total` stays None until the runner knows it."""

    def __init__(self, listener: Callable[[ImportProgress], None] | None = None) -> None:
        self.total: int | None = None
        self.done = 0
        self._listener = listener

    def start(self, total: int) -> None:
        """The rows there are to do, once the runner has counted them."""
        self.total = total
        self._changed()

    def advance(self, rows: int = 1) -> None:
        self.done += rows
        self._changed()

    def _changed(self) -> None:
        if self._listener is not None:
            self._listener(self)


@dataclass(frozen=True)
class ImportContext:
    """What a runner gets of the server for one import."""

    settings: Settings
    # Who acts and what they may change (ediary.domain.reach).
    reach: Reach
    dry_run: bool
    # The schools' today (settings.school_today()), one for the whole import.
    today: date
    progress: ImportProgress
    policy_for: Callable[[str], RegionPolicy]
    # The backend's own options as given (`ImportBackend.options`), by `ImportOption.key`:
    # a flag is True when given, an option with choices its value; left out when not given.
    options: Mapping[str, str | bool] = field(default_factory=dict)

    @property
    def actor_id(self) -> int | None:
        """The account that runs the import; None for the operator at the command line."""
        return self.reach.actor_id

    def region_policy(self, region_code: str) -> RegionPolicy:
        """The grading policy of a region, as the loaded plugins decide it."""
        return self.policy_for(region_code)

    async def scope(self) -> ImportScope:
        """The reach opened for writing through `ediary.domain.imports` (`save_account`,
        `enroll`, `link_guardian`, `record_mark`); call it inside the run."""
        from ediary.domain.imports import ImportScope

        return await ImportScope.open(self.reach, self.today, self.policy_for)


def import_context(
    settings: Settings,
    plugins: pluggy.PluginManager,
    reach: Reach,
    *,
    dry_run: bool,
    progress: ImportProgress | None = None,
    options: Mapping[str, str | bool] | None = None,
) -> ImportContext:
    """The context of one import run by these settings and plugins."""

    def policy_for(region_code: str) -> RegionPolicy:
        policy: RegionPolicy = plugins.hook.region_policy(
            region_code=region_code, settings=settings
        )
        return policy

    return ImportContext(
        settings=settings,
        reach=reach,
        dry_run=dry_run,
        today=settings.school_today(),
        progress=progress or ImportProgress(),
        policy_for=policy_for,
        options=dict(options or {}),
    )


# Reads `path` as the actor of `context.reach`: it may create or change only what the reach
# owns, and grant only roles the reach may grant. The core runs it in a transaction.
ImportRunner = Callable[[Path, ImportContext], Awaitable[ImportReport]]


@dataclass(frozen=True)
class ImportOption:
    """An option of one backend on `ediary import NAME PATH ... --FLAG [VALUE]`: a flag
    without `choices`, else one of them (`--date-order DMY`)."""

    flag: str
    help: str
    choices: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """Its name in `ImportContext.options`: `--date-order` is `date_order`."""
        return self.flag.lstrip("-").replace("-", "_")


@dataclass(frozen=True)
class ImportBackend:
    """One importer: `ediary import NAME PATH (--school ID | --region CODE)... [--dry-run]`
    runs it within the schools and regions named, with its own `options` after the path."""

    name: str
    title: str
    run: ImportRunner
    options: tuple[ImportOption, ...] = ()


class _Discard(Exception):
    """Leaves the transaction of an import whose writes are not kept."""


async def run_import(backend: ImportBackend, path: Path, context: ImportContext) -> ImportReport:
    """Run the backend in one transaction: kept when the set was imported (rows rejected at
    most), rolled back for a dry run, a refused set, or an error, which the report says.
    While another import into one of the reach's schools or regions runs, the set is refused
    with IMPORT_ALREADY_RUNNING (ediary.domain.import_lock)."""
    report: ImportReport | None = None
    try:
        async with import_transaction(context.reach):
            try:
                report = await backend.run(path, context)
            except DomainError as error:
                report = ImportReport(dry_run=context.dry_run, refusal=error.message)
            if context.dry_run or not report.written:
                raise _Discard
    except _Discard:
        pass
    except ImportAlreadyRunning as error:
        return ImportReport(dry_run=context.dry_run, refusal=f"[{error.code}] {error.message}")
    except Exception:
        log.exception("import %s of %s stopped on an error", backend.name, path)
        return ImportReport(dry_run=context.dry_run, aborted=True)
    assert report is not None
    return report


def backends_by_name(manager: pluggy.PluginManager) -> dict[str, ImportBackend]:
    """Every import backend of the loaded plugins; the first of a name wins."""
    from ediary.adapters.manager import collect

    found: dict[str, ImportBackend] = {}
    for _, backends in collect(manager, "import_backends"):
        for backend in backends:
            found.setdefault(backend.name, backend)
    return found
