"""`ediary serve`: what it warns about, the workers' metrics directory, bad worker counts."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from ediary import cli
from ediary.config import Settings
from ediary.server import MULTIPROC_ENV

POSTGRES = "postgres://diary@db:5432/diary"


def test_sqlite_with_several_workers_warns_that_live_updates_stay_in_each() -> None:
    sqlite = Settings(secret_key="k" * 40)
    assert any("each worker sends live updates" in w for w in cli.serve_warnings(sqlite, 2))
    assert cli.serve_warnings(sqlite, 1) == []
    postgres = dataclasses.replace(sqlite, database_url=POSTGRES)
    assert cli.serve_warnings(postgres, 4) == []


def test_production_without_a_metrics_token_warns_that_metrics_are_off() -> None:
    production = Settings(environment="production", secret_key="k" * 40, database_url=POSTGRES)
    assert cli.serve_warnings(production, 2) == [
        "/metrics is off: production serves it only with EDIARY_METRICS_TOKEN set."
    ]
    with_token = dataclasses.replace(production, metrics_token="t")
    assert cli.serve_warnings(with_token, 2) == []


def test_a_given_metrics_directory_is_emptied_of_an_earlier_runs_samples(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "counter_123.db").write_bytes(b"old")
    (tmp_path / "keep.txt").write_text("not ours")
    monkeypatch.setenv(MULTIPROC_ENV, str(tmp_path))
    assert cli._multiprocess_metrics() is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_without_one_a_fresh_directory_is_made(monkeypatch: pytest.MonkeyPatch) -> None:
    # Set (to nothing) through monkeypatch, so what the command sets is undone afterwards.
    monkeypatch.setenv(MULTIPROC_ENV, "")
    made = Path(cli._multiprocess_metrics() or "")
    assert cli.os.environ[MULTIPROC_ENV] == str(made)
    assert made.is_dir() and list(made.iterdir()) == []
    made.rmdir()


def test_zero_workers_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--workers", "0"]) == 2
    assert capsys.readouterr().err == "ediary: --workers must be at least 1\n"
