"""`ediary import` and `ediary serve` against a database without a plugin's migrations, and
how `ediary import` reports a set it refuses. Each command runs as its own process, as an
operator runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.servers import free_port

MIGRATE_FIRST = "ediary: the database lacks migrations of oneroster: run `ediary migrate`"


def _ediary(
    url: str, plugins: str, *args: str, timeout: int = 120
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EDIARY_DATABASE_URL": url, "EDIARY_PLUGINS": plugins}
    env.pop("EDIARY_ENV", None)
    command = [sys.executable, "-m", "ediary.cli", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def core_only(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A scratch database migrated with the built-in plugins only: no OneRoster tables."""
    url = f"sqlite://{tmp_path_factory.mktemp('core-only') / 'diary.sqlite3'}"
    done = _ediary(url, "", "migrate")
    assert done.returncode == 0, done.stderr
    return url


def test_import_stops_with_one_line_naming_the_unmigrated_app(
    core_only: str, tmp_path: Path
) -> None:
    done = _ediary(core_only, "oneroster", "import", "oneroster", str(tmp_path), "--region", "r")
    assert (done.returncode, done.stderr.strip(), done.stdout) == (2, MIGRATE_FIRST, "")


def test_serve_stops_with_one_line_naming_the_unmigrated_app(core_only: str) -> None:
    port = str(free_port())
    done = _ediary(core_only, "oneroster", "serve", "--port", port, timeout=60)
    assert (done.returncode, done.stderr.strip()) == (2, MIGRATE_FIRST)


def test_a_refused_set_is_reported_as_refused(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'diary.sqlite3'}"
    assert _ediary(url, "oneroster", "migrate").returncode == 0
    empty = tmp_path / "empty-set"
    empty.mkdir()
    done = _ediary(url, "oneroster", "import", "oneroster", str(empty), "--region", "r")
    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith("Refused, nothing written: [manifest.missing]")
    assert "Imported" not in done.stdout and "Traceback" not in done.stderr


def test_a_backends_own_options_come_after_the_path(tmp_path: Path) -> None:
    url = f"sqlite://{tmp_path / 'diary.sqlite3'}"
    assert _ediary(url, "oneroster", "migrate").returncode == 0
    empty = tmp_path / "empty-set"
    empty.mkdir()
    args = ("import", "oneroster", str(empty), "--region", "r")
    done = _ediary(url, "oneroster", *args, "--strict", "--date-order", "DMY")
    assert done.returncode == 2 and done.stdout.startswith("Refused, nothing written:")
    wrong = _ediary(url, "oneroster", *args, "--date-order", "YMD")
    assert wrong.returncode == 2 and "invalid choice: 'YMD'" in wrong.stderr
    unknown = _ediary(url, "oneroster", *args, "--sheet", "1")
    assert unknown.returncode == 2
    assert "options of oneroster: --strict, --date-order" in unknown.stderr
    other = _ediary(url, "oneroster", "migrate", "--strict")
    assert other.returncode == 2 and "unrecognized arguments: --strict" in other.stderr


def test_a_log_gets_a_line_for_each_tenth_of_the_rows(tmp_path: Path) -> None:
    from ediary_oneroster.generate import write_set

    url = f"sqlite://{tmp_path / 'diary.sqlite3'}"
    assert _ediary(url, "oneroster", "migrate").returncode == 0
    write_set(tmp_path / "set", "S")
    done = _ediary(
        url, "oneroster", "import", "oneroster", str(tmp_path / "set"), "--region", "gen-region"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    (total,) = [int(line.split()[0]) for line in lines if line.endswith("rows to import; writing")]
    said = [line.split() for line in lines if line.endswith("rows done")]
    # Captured stderr is not a terminal: no bar, one line per tenth, the last at the total.
    assert len(said) == 10
    assert all(words[2] == str(total) for words in said)
    counts = [int(words[0]) for words in said]
    assert counts == sorted(counts) and counts[-1] == total
