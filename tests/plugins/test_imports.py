"""The core's side of imports: the context a runner gets, one transaction per run, what the
report says and how `ediary import` ends; the import API a runner writes through."""

from __future__ import annotations

import ast
import importlib
import itertools
import re
from pathlib import Path

import pytest

from ediary.adapters import (
    ImportBackend,
    ImportContext,
    ImportOutcome,
    ImportProgress,
    ImportReport,
    load_plugins,
)
from ediary.adapters.imports import import_context, run_import
from ediary.config import Settings
from ediary.domain import imports as domain_imports
from ediary.domain import models
from ediary.domain.errors import DomainError
from ediary.domain.reach import Reach
from ediary.import_command import summary

_codes = itertools.count(1)
REACH = Reach(actor_id=None, regions=frozenset({"imports-test"}))


def _context(settings: Settings, dry_run: bool = False, **kw: object) -> ImportContext:
    return import_context(settings, load_plugins(()), REACH, dry_run=dry_run, **kw)  # type: ignore[arg-type]


async def _run_writing(
    settings: Settings, finish: str, dry_run: bool = False
) -> tuple[ImportReport, bool]:
    """Run a backend that writes one region and then ends as `finish` says; returns its
    report and whether the region is in the database afterwards."""
    code = f"imports-{next(_codes)}"

    async def run(path: Path, context: ImportContext) -> ImportReport:
        await models.Region.create(code=code, name="Written by an import")
        report = ImportReport(dry_run=context.dry_run, counts={"regions": 1})
        if finish == "raise":
            raise RuntimeError("the runner's own bug")
        if finish == "domain-error":
            raise DomainError("the set is for another region")
        if finish == "refuse":
            report.refusal = "the set has no orgs file"
        elif finish == "reject":
            report.problems.append("row 2: no such class")
        elif finish == "warn":
            report.warnings.append("row 3: no e-mail")
        return report

    backend = ImportBackend(name="probe", title="Probe", run=run)
    report = await run_import(backend, Path("set"), _context(settings, dry_run))
    return report, await models.Region.exists(code=code)


@pytest.mark.parametrize(
    ("finish", "outcome", "kept", "exit_code"),
    [
        ("imported", ImportOutcome.IMPORTED, True, 0),
        ("warn", ImportOutcome.WARNINGS, True, 0),
        ("reject", ImportOutcome.REJECTIONS, True, 1),
        ("refuse", ImportOutcome.REFUSED, False, 2),
        ("domain-error", ImportOutcome.REFUSED, False, 2),
        ("raise", ImportOutcome.ABORTED, False, 2),
    ],
)
async def test_a_run_is_one_transaction_kept_only_when_the_set_was_imported(
    settings: Settings, finish: str, outcome: ImportOutcome, kept: bool, exit_code: int
) -> None:
    report, written = await _run_writing(settings, finish)
    assert (report.outcome, written, report.exit_code) == (outcome, kept, exit_code)
    assert report.written is kept


async def test_a_dry_run_is_rolled_back_without_the_runner_doing_anything(
    settings: Settings,
) -> None:
    report, written = await _run_writing(settings, "imported", dry_run=True)
    assert report.dry_run and report.counts == {"regions": 1} and not written


async def test_a_refusal_names_the_reason(settings: Settings) -> None:
    report, _ = await _run_writing(settings, "domain-error")
    assert report.refusal == "the set is for another region" and report.counts == {}


def test_the_summary_never_calls_an_aborted_or_refused_run_imported() -> None:
    aborted = summary(ImportReport(dry_run=False, aborted=True), "Probe")
    assert aborted == ["Aborted, nothing written: Probe stopped on an error (see the log)."]
    refused = summary(ImportReport(dry_run=False, refusal="no orgs file"), "Probe")
    assert refused == ["Refused, nothing written: no orgs file"]
    mixed = ImportReport(
        dry_run=False,
        counts={"students": 2},
        problems=["row 2: bad"],
        warnings=["row 3: odd"],
        notes=["column A: name"],
    )
    assert summary(mixed, "Probe") == [
        "Imported with Probe: 2 students (imported with rejected rows)",
        "  note: column A: name",
        "  rejected: row 2: bad",
        "  warning: row 3: odd",
    ]
    assert summary(ImportReport(dry_run=True), "Probe") == ["Would import with Probe: no changes"]
    # Notes say how the file was read; they neither warn nor reject.
    noted = ImportReport(dry_run=False, notes=["column A: name"])
    assert (noted.outcome, noted.exit_code) == (ImportOutcome.IMPORTED, 0)


def test_the_context_carries_settings_policy_today_actor_and_progress(settings: Settings) -> None:
    seen: list[tuple[int | None, int]] = []
    progress = ImportProgress(lambda p: seen.append((p.total, p.done)))
    context = _context(settings, progress=progress)
    context.progress.start(3)
    context.progress.advance()
    context.progress.advance(2)
    assert seen == [(3, 0), (3, 1), (3, 3)]
    assert context.settings is settings and context.today == settings.school_today()
    assert context.actor_id is None and context.region_policy("r1").scale.maximum == 5


GUIDE = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"


def _import_section() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    start = text.index("### `import_backends()`")
    return text[start : text.index("\n### ", start + 1)]


def test_the_guide_documents_the_context_the_outcome_and_the_import_api() -> None:
    section = _import_section()
    context_names = {name for name in dir(ImportContext) if not name.startswith("_")} | set(
        ImportContext.__dataclass_fields__
    )
    for name in context_names:
        assert f"context.{name}" in section, f"the guide leaves out ImportContext.{name}"
    for outcome in ImportOutcome:
        assert f"`{outcome.name}`" in section, f"the guide leaves out ImportOutcome.{outcome.name}"
    for name in ("save_account", "enroll", "link_guardian", "record_mark"):
        assert f"`await {name}(scope, " in section
        assert callable(getattr(domain_imports, name))
    for field_name in ImportReport.__dataclass_fields__:
        if field_name != "aborted":
            assert field_name in section, f"the guide leaves out ImportReport.{field_name}"


def test_the_guides_import_example_runs_on_the_public_names() -> None:
    (example,) = re.findall(r"\*\*Example\*\*\n\n```python\n(.*?)```", _import_section(), re.S)
    tree = ast.parse(example)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("ediary"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name), f"{node.module} has no {alias.name}"
