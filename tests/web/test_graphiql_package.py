"""A wheel of ediary carries GraphiQL's page and files, so an install with Python alone (no
npm) serves the IDE."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from ediary.web.graphiql import ASSETS, HERE
from tests.conftest import BACKEND

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.install,
    pytest.mark.skipif(BACKEND != "sqlite", reason="uses no database: runs in the SQLite pass"),
]


def test_the_wheel_has_the_graphiql_files(tmp_path: Path) -> None:
    offline = ("--quiet", "--no-deps", "--no-build-isolation", "--no-index")
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", *offline, "--wheel-dir", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = tmp_path.glob("ediary-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {"ediary/web/graphiql.html"} | {
        f"ediary/web/static/graphiql/{file.name}" for file in ASSETS.iterdir()
    }
    assert (HERE / "graphiql.html").exists()
    assert {"graphiql.min.js", "react.production.min.js", "LICENSE.graphiql"} <= {
        name.rsplit("/", 1)[-1] for name in expected
    }
    assert expected <= names, sorted(expected - names)
