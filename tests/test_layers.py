"""Imports go one way: each package of `ediary` may import only the packages below it.

The order, lowest first, is LAYERS below: the domain knows nothing of GraphQL or HTTP, the
server's machinery (caches, metrics, logs) nothing of the schema, the schema nothing of routes,
and the demo school is a client of the domain, not a part of it. With one order there is no
cycle: of two packages that import each other, one import goes up.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "ediary"

# Lowest first. A package may import itself and any package before it.
LAYERS = (
    "config",
    "domain",
    # Paper copies: lays out what the domain computes; imports nothing above it.
    "printing",
    "events",
    "adapters",
    "sqlite_backend",
    "db",
    "delivery",
    "server",
    "schema",
    "web",
    "demo",
    "app",
    "testing",
    "scaffold",
    "import_command",
    "cli",
)
RANK = {name: index for index, name in enumerate(LAYERS)}

# Libraries of the layers above the domain, which the domain must not import.
WEB_LIBRARIES = ("strawberry", "starlette", "graphql", "httpx", "uvicorn")


def _package(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    return relative.parts[0]


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) for each absolute import of the file, type-checking imports included."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def _sources() -> list[Path]:
    return sorted(ROOT.rglob("*.py"))


def test_every_package_has_a_layer() -> None:
    packages = {_package(path) for path in _sources()} - {"__init__"}  # ediary/__init__.py
    assert packages <= set(LAYERS), f"add {sorted(packages - set(LAYERS))} to LAYERS"


@pytest.mark.parametrize("path", _sources(), ids=lambda path: str(path.relative_to(ROOT)))
def test_imports_go_down(path: Path) -> None:
    own = _package(path)
    if own == "__init__":
        return
    upward = [
        f"line {line}: {module}"
        for line, module in _imports(path)
        if module.startswith("ediary.")
        and module.split(".")[1] in RANK
        and RANK[module.split(".")[1]] > RANK[own]
    ]
    assert not upward, f"{own} imports a layer above it: {upward}"


@pytest.mark.parametrize(
    "path",
    [path for path in _sources() if _package(path) == "domain"],
    ids=lambda path: str(path.relative_to(ROOT)),
)
def test_the_domain_knows_nothing_of_graphql_or_http(path: Path) -> None:
    found = [
        f"line {line}: {module}"
        for line, module in _imports(path)
        if module.split(".")[0] in WEB_LIBRARIES
    ]
    assert not found, found


def test_no_test_module_imports_another() -> None:
    # What two test modules share lives in a helper module beside them (tests/world.py,
    # tests/plugins/moscow/journey.py, ...): importing a test module runs its tests twice
    # under another name and ties one module's fixtures to another's.
    tests = ROOT.parent / "tests"
    found = [
        f"{path.relative_to(ROOT.parent)}:{line} imports {module}"
        for path in sorted(tests.rglob("*.py"))
        for line, module in _imports(path)
        if module.startswith("tests.") and module.rsplit(".", 1)[-1].startswith("test_")
    ]
    assert not found, found
