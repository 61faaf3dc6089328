"""Mapping a OneRoster set onto the diary, in one transaction, idempotent by sourcedId.

See docs/import.md for the mapping; the mapping of each file lives in roster, people, classes
and gradebook. Rows are read as a stream and checked and mapped one by one; accounts,
enrollments and marks are written a chunk at a time through the import API's batch forms
(`ediary.domain.imports`), so memory holds only sourcedId-to-id maps and one chunk. Rows that
cannot be mapped, or that the import API refuses, are rejected with a Problem and the rest is
imported. Problems with the whole set (SetError) roll everything back.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from tortoise.transactions import in_transaction

from ediary.config import Settings
from ediary.domain.grading import DEFAULT_POLICY, RegionPolicy
from ediary.domain.reach import Reach, ReachGuard
from ediary.domain.session_end import EndReason, end_sessions
from ediary_oneroster.gradebook import GradebookMapper
from ediary_oneroster.people import PeopleMapper
from ediary_oneroster.reader import (
    FILES,
    Limits,
    OneRosterSet,
    Problem,
    ReadOptions,
    Row,
    RowError,
    SetError,
    open_set,
    parse_datetime,
)
from ediary_oneroster.state import HISTORY_REASON, Outcome, PolicyFor, Progress

__all__ = ["HISTORY_REASON", "Importer", "Outcome", "count_rows", "import_set"]


class _Rollback(Exception):
    """Leaves the transaction of a dry run."""


def _default_policy(region_code: str) -> RegionPolicy:
    return DEFAULT_POLICY


class Importer(GradebookMapper, PeopleMapper):
    """Reads the set's files in order and hands each row to the mapper of its file."""

    # -- driving -----------------------------------------------------------------------------

    async def run(self) -> None:
        await self._load_links()
        for name in FILES:
            if not self.data.present(name):
                continue
            handler = getattr(self, f"_{name}")
            for row in self.data.rows(name):
                self.out.rows += 1
                self.progress(1)
                if "__width__" in row.cells:
                    self.out.problems.append(
                        row.problem(
                            "row.width",
                            f"the row has {row.cells['__width__']} cells, the header another number",
                        )
                    )
                    continue
                try:
                    if row.error is not None:
                        raise row.error
                    await self._check_common(row)
                    await handler(row)
                except RowError as error:
                    self.rejected.add((name, row.sourced_id))
                    self.out.count(name, "rejected")
                    self.out.problems.append(
                        row.problem(error.code, f"{row.sourced_id}: {error.message}")
                    )
            after = getattr(self, f"_after_{name}", None)
            if after is not None:
                await after()
            await self.flush_links()
            self.report_progress()
        # Open WebSockets of these accounts close at the next session check of each server
        # process (EDIARY_WS_SESSION_CHECK_SECONDS): an import may run in another program.
        await end_sessions(EndReason.DEACTIVATED, user_ids=self.deactivated)

    async def _check_common(self, row: Row) -> None:
        if not row.sourced_id:
            raise RowError("value.required", "sourcedId is empty")
        if row.status not in ("", "active", "tobedeleted"):
            raise RowError(
                "value.status", f"status {row.status!r} is not empty, active or tobedeleted"
            )
        parse_datetime(row.get("dateLastModified"), "dateLastModified")


def count_rows(data: OneRosterSet) -> tuple[int, list[Problem]]:
    """First pass: every file is read through once, so broken CSV, encodings, duplicate
    sourcedIds and cycles of org parents stop the import before anything is written."""
    total = 0
    for name in FILES:
        if not data.present(name):
            continue
        seen: dict[str, int] = {}
        parents: dict[str, str] = {}
        read = 0
        try:
            if name == "orgs":
                # The few orgs are mapped, for the parents their rows will have.
                for row in data.rows(name):
                    if row.sourced_id and row.get("parentSourcedId"):
                        parents[row.sourced_id] = row.get("parentSourcedId")
            # The rows of the other files are mapped on the second pass only.
            for number, sid in data.scan(name):
                read += 1
                if not sid:
                    continue
                if sid in seen:
                    raise SetError(
                        "sourcedId.duplicate",
                        f"{name}.csv: sourcedId {sid!r} is on rows {seen[sid]} and {number}",
                    )
                seen[sid] = number
        except SetError as error:
            if not data.drop(name, error):  # an optional file is left out, not the set
                raise
            continue
        total += read
        if name == "enrollments":
            total += len(seen)
        for start in parents:
            path = [start]
            node = parents.get(start)
            while node is not None:
                if node in path:
                    cycle = " -> ".join([*path[path.index(node) :], node])
                    raise SetError(
                        "org.cycle", f"orgs.csv: the parents go round in a circle: {cycle}"
                    )
                path.append(node)
                node = parents.get(node)
    return total, []


async def import_set(
    path: Path,
    dry_run: bool,
    reach: Reach,
    *,
    policy_for: PolicyFor | None = None,
    progress: Progress | None = None,
    on_total: Callable[[int], None] | None = None,
    limits: Limits | None = None,
    today: date | None = None,
    options: ReadOptions | None = None,
) -> Outcome:
    """Import a set in one transaction, as the actor of `reach`: only what the reach owns is
    changed or linked to, and only roles it may grant are given. With `dry_run` the
    transaction is rolled back. `policy_for` and `today` come from the import's context
    (ediary.adapters.ImportContext); without them, the default policy and the schools' today
    from the server's settings; `options` how tolerantly the set is read. Raises SetError
    (nothing written) for a set that cannot be imported at all."""
    today = today or Settings.from_env().school_today()
    data = open_set(path, limits, options)
    outcome = Outcome(dry_run=dry_run, version=data.version)
    try:
        total, _ = count_rows(data)
        outcome.problems.extend(data.dropped)
        if on_total is not None:
            on_total(total)
        try:
            async with in_transaction():
                guard = await ReachGuard.open(reach)
                importer = Importer(
                    data, outcome, policy_for or _default_policy, guard, progress, today=today
                )
                await importer.run()
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass
    finally:
        data.close()
    outcome.warnings = [str(note) for note in data.notes]
    return outcome
