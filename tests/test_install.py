"""Installing the dnevnik plugin into a fresh virtual environment makes its flow appear in
`ediary plugins` and in `loginFlows`; uninstalling it removes it.

The environment is real (its own site-packages, its own pip) and the installs are real
editable installs through the entry point. To stay offline and fast, the new environment
sees this environment's dependencies through a .pth file pointing at a directory of links
to them, leaving out ediary, the plugins and pip's own files; ediary and the plugin are then
installed with `--no-deps --no-build-isolation --no-index`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.conftest import BACKEND

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "plugins" / "ediary-dnevnik"

pytestmark = [
    pytest.mark.install,
    pytest.mark.skipif(BACKEND != "sqlite", reason="uses no database: runs in the SQLite pass"),
]

FLOWS = """
import asyncio, httpx
from ediary.app import create_app
from ediary.config import Settings

async def main():
    app = create_app(Settings(), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://local") as client:
        answer = await client.post("/graphql", json={"query": "{ loginFlows { id } }"})
    print(",".join(flow["id"] for flow in answer.json()["data"]["loginFlows"]))

asyncio.run(main())
"""

# What the new environment must not borrow from this one: what the test installs itself,
# and pip's own start-up files.
_NOT_SHARED = ("ediary", "__editable__", "_ediary", "pip", "__pycache__")


def _shared_dependencies(into: Path) -> Path:
    into.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        name = entry.name.lower()
        if name.startswith(_NOT_SHARED) or name.endswith(".pth"):
            continue
        (into / entry.name).symlink_to(entry)
    return into


def _run(*command: str | Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def test_installing_the_plugin_adds_its_flow_and_uninstalling_removes_it(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    bin_dir = venv / "bin"
    python = bin_dir / "python"
    env = {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "HOME": str(tmp_path),
        "PYTHONNOUSERSITE": "1",
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
        "EDIARY_DATABASE_URL": f"sqlite://{tmp_path / 'unused.sqlite3'}",
    }
    site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", env=env
        ).strip()
    )
    (site / "_shared_dependencies.pth").write_text(f"{_shared_dependencies(tmp_path / 'deps')}\n")
    # The bundled setuptools would shadow the shared, newer one the projects need to build.
    _run(python, "-m", "pip", "uninstall", "--yes", "--quiet", "setuptools", env=env)
    pip_install = (python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index")
    _run(*pip_install, "--no-build-isolation", "-e", ROOT, "-e", PLUGIN, env=env)

    located = _run(
        python,
        "-c",
        "import ediary, importlib.metadata as m; "
        "print(ediary.__file__); print(m.distribution('ediary-dnevnik')._path)",
        env=env,
    )
    assert located.splitlines()[0].startswith(str(ROOT)), located
    assert located.splitlines()[1].startswith(str(site)), "the plugin is installed in the venv"

    listed = _run(bin_dir / "ediary", "plugins", env=env)
    assert (
        "dnevnik 0.1.0\n    hooks: database_models, graphql_schema, http_routes, login_flows"
        in listed
    )
    assert _run(python, "-c", FLOWS, env=env).split() == ["dnevnik-access-code,password"]

    _run(python, "-m", "pip", "uninstall", "--yes", "--quiet", "ediary-dnevnik", env=env)
    listed = _run(bin_dir / "ediary", "plugins", env=env)
    assert "dnevnik" not in listed and "ediary.password" in listed
    assert _run(python, "-c", FLOWS, env=env).split() == ["password"]
