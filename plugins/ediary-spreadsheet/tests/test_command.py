"""`ediary import spreadsheet FILE --school ID` as an operator runs it, each command its own
process: the mapping first, warnings and rejections each with their row, and the exit code
0 (imported, warnings at most), 1 (rows rejected) or 2 (nothing written)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from school_files import OTHERS, school_workbook

TODAY = "2026-10-15"
SEED = Path(__file__).with_name("seed_school.py")


def _run(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EDIARY_DATABASE_URL": url, "EDIARY_PLUGINS": "spreadsheet"}
    env.update(EDIARY_TODAY=TODAY)
    env.pop("EDIARY_ENV", None)
    return subprocess.run(
        [sys.executable, *args], env=env, capture_output=True, text=True, timeout=120
    )


class Server:
    def __init__(self, url: str, school: str) -> None:
        self.url, self.school = url, school

    def ediary_import(self, path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
        return _run(
            self.url,
            "-m",
            "ediary.cli",
            "import",
            "spreadsheet",
            str(path),
            "--school",
            self.school,
            *extra,
        )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Server:
    """A SQLite database migrated by `ediary migrate`, with one school and its class 5А."""
    url = f"sqlite://{tmp_path_factory.mktemp('cli') / 'diary.sqlite3'}"
    migrated = _run(url, "-m", "ediary.cli", "migrate")
    assert migrated.returncode == 0, migrated.stderr
    seeded = _run(url, str(SEED), url, TODAY)
    assert seeded.returncode == 0, seeded.stderr
    return Server(url, seeded.stdout.strip())


def test_a_dry_run_prints_the_mapping_and_writes_nothing(server: Server, tmp_path: Path) -> None:
    path = school_workbook(tmp_path / "list.xlsx", OTHERS[:2])

    done = server.ediary_import(path, "--dry-run")
    again = server.ediary_import(path, "--dry-run")

    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == ("Would import with School spreadsheet: 2 students (imported with warnings)")
    assert lines[1:4] == [
        "  note: read the sheet «5А»",
        "  note: header in rows 3–4",
        "  note: column A «№»: not read (row numbers)",
    ]
    assert "  note: column F «Родитель / ФИО» → parent's full name" in lines
    assert "  warning: column I [UNKNOWN_COLUMN]: «Примечание» is not imported" in lines
    # Nothing was written: the second dry run would create the same.
    assert again.stdout == done.stdout


def test_warnings_exit_0_and_rejections_exit_1(server: Server, tmp_path: Path) -> None:
    warned = server.ediary_import(school_workbook(tmp_path / "a.xlsx", OTHERS[:2]))
    rejected = server.ediary_import(school_workbook(tmp_path / "b.xlsx", OTHERS))

    assert warned.returncode == 0, warned.stderr
    assert warned.stdout.startswith(
        "Imported with School spreadsheet: 2 students (imported with warnings)"
    )
    assert "  warning: row 5 [BAD_PHONE]: '12-34' is not a phone number: imported without it" in (
        warned.stdout.splitlines()
    )
    assert rejected.returncode == 1, rejected.stderr
    assert rejected.stdout.startswith(
        "Imported with School spreadsheet: 2 students (imported with rejected rows)"
    )
    assert "  rejected: row 8 [NO_CLASS]: the school has no class 9В this year" in (
        rejected.stdout.splitlines()
    )


def test_a_file_that_is_no_class_list_exits_2(server: Server, tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("Дата;Тема\n01.09.2026;Повторение\n", encoding="cp1251")

    done = server.ediary_import(path)

    assert done.returncode == 2, done.stderr
    assert done.stdout.startswith("Refused, nothing written: [NO_HEADER]")
    assert "Imported" not in done.stdout and "Traceback" not in done.stderr
