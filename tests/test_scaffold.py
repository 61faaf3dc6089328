"""`ediary plugins new` writes a plugin whose own tests pass on `ediary.testing`, and whose
code passes ruff and mypy --strict against an installed (not editable) ediary, which needs
ediary's py.typed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ediary.cli import main
from ediary.scaffold import HOOKS

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RUFF_RULES = ["--select", "E,F,W,I,B,UP,SIM,RUF,ASYNC", "--line-length", "100"]


def run(command: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def installed_ediary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """ediary installed as a plugin author's environment has it: a built copy, not this tree."""
    target = tmp_path_factory.mktemp("site")
    pip = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index"]
    built = run([*pip, "--no-build-isolation", "--target", str(target), str(ROOT)], ROOT)
    assert built.returncode == 0, built.stderr
    return target


@pytest.mark.install
def test_a_new_plugin_passes_its_tests_ruff_and_mypy(
    tmp_path: Path, installed_ediary: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plugins", "new", "kazan", "--region", "16", "--dir", str(tmp_path)]) == 0
    plugin = tmp_path / "ediary-kazan"
    assert f"Wrote {plugin}" in capsys.readouterr().out
    pyproject = (plugin / "pyproject.toml").read_text()
    assert '[project.entry-points.ediary]\nkazan = "ediary_kazan.plugin"' in pyproject
    assert (plugin / "ediary_kazan" / "migrations" / "0001_initial.py").exists()
    tests = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        plugin,
        PYTHONPATH=str(plugin),
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert f"{len(HOOKS)} passed" in tests.stdout
    lint = run(
        [
            str(BIN / "ruff"),
            "check",
            "--isolated",
            *RUFF_RULES,
            "--extend-exclude",
            "migrations",
            ".",
        ],
        plugin,
    )
    assert lint.returncode == 0, lint.stdout
    formatted = run(
        [str(BIN / "ruff"), "format", "--isolated", "--line-length", "100", "--check", "."], plugin
    )
    assert formatted.returncode == 0, formatted.stdout
    # The built copy only: mypy reads no editable install's import hook.
    typed = run(
        [str(BIN / "mypy"), "--strict", "--no-incremental", "ediary_kazan", "tests"],
        plugin,
        PYTHONPATH=str(installed_ediary),
    )
    assert typed.returncode == 0, typed.stdout


def test_only_the_hooks_asked_for_are_written(tmp_path: Path) -> None:
    args = ["plugins", "new", "tatarstan", "--hook", "region_policy", "--hook", "login_flows"]
    assert main([*args, "--dir", str(tmp_path)]) == 0
    package = tmp_path / "ediary-tatarstan" / "ediary_tatarstan"
    assert sorted(p.name for p in package.iterdir()) == [
        "__init__.py",
        "login.py",
        "plugin.py",
        "policy.py",
    ]
    plugin = (package / "plugin.py").read_text()
    assert "import login_flows as login_flows" in plugin and "import region_policy as" in plugin
    tests = sorted(p.name for p in (package.parent / "tests").iterdir())
    assert tests == ["conftest.py", "test_login.py", "test_policy.py"]
    assert 'return "tatarstan"' in (package.parent / "tests" / "conftest.py").read_text()


def test_a_bad_name_or_an_existing_directory_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["plugins", "new", "Kazan!", "--dir", str(tmp_path)]) == 2
    assert "'Kazan!' is not a plugin name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "ediary-kazan").mkdir()
    assert main(["plugins", "new", "kazan", "--dir", str(tmp_path)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert list((tmp_path / "ediary-kazan").iterdir()) == []
    with pytest.raises(SystemExit) as refused:
        main(["plugins", "new", "kazan", "--hook", "no_such_hook", "--dir", str(tmp_path)])
    assert refused.value.code == 2
    assert "invalid choice: 'no_such_hook'" in capsys.readouterr().err
