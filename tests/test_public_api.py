"""Plugins hold to the public API that docs/plugins.md documents, and the document holds to the
code: every import of `ediary` in plugins/ (and in the guide's examples) names a listed module
or name, and every listed name is in its module's `__all__`."""

from __future__ import annotations

import ast
import importlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ediary.adapters import describe, load_plugins

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugins.md"
PLUGINS = ROOT / "plugins"
SECTION = "## Public API"
MODULE = re.compile(r"^### `(ediary(?:\.\w+)*)`(?P<whole>: every name in its `__all__`)?$")
NAME = re.compile(r"^- `(\w+)`")
SKIPPED_DIRS = {".venv", "build", "dist", "node_modules", "__pycache__"}


@dataclass(frozen=True)
class Listed:
    """One module of the public API: the names the guide lists, or all of its `__all__`."""

    names: frozenset[str]
    whole: bool
    line: int


def documented(text: str) -> dict[str, Listed]:
    """The modules and names of the guide's "Public API" section."""
    lines = text.splitlines()
    start = lines.index(SECTION)
    modules: dict[str, Listed] = {}
    current: tuple[str, bool, int] | None = None
    names: set[str] = set()

    def close() -> None:
        if current is not None:
            module, whole, line = current
            assert module not in modules, f"docs/plugins.md:{line}: {module} is listed twice"
            modules[module] = Listed(frozenset(names), whole, line)

    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        if line.startswith("## "):
            break
        if heading := MODULE.match(line):
            close()
            current, names = (heading[1], bool(heading["whole"]), number), set()
        elif line.startswith("### "):
            raise AssertionError(f"docs/plugins.md:{number}: not a module heading: {line}")
        elif (item := NAME.match(line)) and current is not None:
            names.add(item[1])
    close()
    return modules


PUBLIC = documented(GUIDE.read_text())


def module_all(module: str) -> list[str]:
    exported = getattr(importlib.import_module(module), "__all__", None)
    assert isinstance(exported, list | tuple), f"{module} has no __all__"
    return list(exported)


def public_names(module: str) -> frozenset[str]:
    listed = PUBLIC[module]
    return frozenset(module_all(module)) if listed.whole else listed.names


def is_public_module(module: str) -> bool:
    return module in PUBLIC


def is_package_of_public(module: str) -> bool:
    """`ediary`, `ediary.domain`, ...: a step on the way to a public module, importable as a
    path (`import ediary.domain.models`) but offering nothing of its own."""
    return any(public.startswith(module + ".") for public in PUBLIC)


@dataclass(frozen=True)
class Finding:
    where: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.where}:{self.line}: {self.text}"


class Imports(ast.NodeVisitor):
    """Walks one module: checks its imports of `ediary`, and the names it reads through an
    imported module (`tokens.issue`), against the public API."""

    def __init__(self, where: str) -> None:
        self.where = where
        self.findings: list[Finding] = []
        # Local name -> the ediary module (or package on the way to one) it is bound to.
        self.modules: dict[str, str] = {}

    def refuse(self, node: ast.AST, text: str) -> None:
        self.findings.append(Finding(self.where, getattr(node, "lineno", 0), text))

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] != "ediary":
                continue
            if not (is_public_module(alias.name) or is_package_of_public(alias.name)):
                self.refuse(node, f"`import {alias.name}`: not a public module")
                continue
            # `import a.b.c` binds `a`; `import a.b.c as m` binds `m` to `a.b.c`.
            if alias.asname:
                self.modules[alias.asname] = alias.name
            else:
                self.modules["ediary"] = "ediary"

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level or module.split(".")[0] != "ediary":
            return
        for alias in node.names:
            submodule = f"{module}.{alias.name}"
            if alias.name == "*":
                self.refuse(node, f"`from {module} import *`: import the public names by name")
            elif is_public_module(module) and alias.name in public_names(module):
                continue
            elif is_public_module(submodule) or is_package_of_public(submodule):
                self.modules[alias.asname or alias.name] = submodule
            else:
                self.refuse(node, f"`from {module} import {alias.name}`: {submodule} is not public")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        chain: list[str] = []
        root: ast.expr = node
        while isinstance(root, ast.Attribute):
            chain.insert(0, root.attr)
            root = root.value
        if not (isinstance(root, ast.Name) and root.id in self.modules):
            self.generic_visit(node)
            return
        current = self.modules[root.id]
        for attr in chain:
            if is_public_module(current) and attr in public_names(current):
                break
            if is_public_module(f"{current}.{attr}") or is_package_of_public(f"{current}.{attr}"):
                current = f"{current}.{attr}"
                continue
            self.refuse(node, f"`{current}.{attr}` is not public")
            break
        # The whole chain was checked here; visiting its inner attributes again would report
        # the same reach once per step.


def check_source(source: str, where: str) -> list[Finding]:
    visitor = Imports(where)
    visitor.visit(ast.parse(source, filename=where))
    return visitor.findings


def plugin_sources() -> Iterator[Path]:
    for path in sorted(PLUGINS.glob("*/**/*.py")):
        if not SKIPPED_DIRS.intersection(path.relative_to(PLUGINS).parts):
            yield path


def guide_examples() -> Iterator[tuple[int, str]]:
    """The guide's ```python blocks, with the line each starts on."""
    text = GUIDE.read_text()
    for block in re.finditer(r"^```python\n(.*?)^```", text, re.MULTILINE | re.DOTALL):
        yield text.count("\n", 0, block.start()) + 2, block[1]


def test_the_section_lists_the_modules_plugins_need() -> None:
    # Guards the tests below against reading an empty or misparsed section.
    assert {"ediary.adapters", "ediary.config", "ediary.domain.models"} <= set(PUBLIC)
    assert {"hookimpl", "LoginFlow", "GraphQLContribution"} <= PUBLIC["ediary.adapters"].names
    assert PUBLIC["ediary.domain.models"].whole


def test_plugins_import_only_public_names() -> None:
    sources = list(plugin_sources())
    assert len(sources) > len(list(PLUGINS.iterdir()))  # found the plugins' modules
    findings = [
        finding
        for path in sources
        for finding in check_source(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert not findings, (
        "plugins use names outside the public API (docs/plugins.md, section Public API); "
        "use a public name, or make this one public there and in its module's __all__:\n"
        + "\n".join(map(str, findings))
    )


def test_the_guides_examples_import_only_public_names() -> None:
    findings = []
    for line, code in guide_examples():
        # Examples elide bodies with "..."; only their imports and references matter here.
        for finding in check_source(code, "docs/plugins.md"):
            findings.append(Finding(finding.where, line + finding.line - 1, finding.text))
    assert not findings, "\n".join(map(str, findings))


def test_the_guide_refers_only_to_public_names() -> None:
    # Prose drifts as easily as code: a renamed or removed function the guide still names
    # sends an author to read the core after all. `ediary.password` and the like are the
    # names of built-in plugins, not modules.
    builtins = {plugin.name for plugin in describe(load_plugins(allowed=())) if plugin.builtin}
    text = GUIDE.read_text()
    findings = []
    for reference in re.finditer(r"\bediary(?:\.\w+)+", text):
        if reference[0] in builtins:
            continue
        for finding in check_source(f"import ediary\n{reference[0]}", "docs/plugins.md"):
            findings.append(
                Finding(finding.where, text.count("\n", 0, reference.start()) + 1, finding.text)
            )
    assert not findings, "\n".join(map(str, findings))


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_every_listed_name_is_in_its_modules_all(module: str) -> None:
    exported = module_all(module)
    imported = importlib.import_module(module)
    listed = PUBLIC[module]
    assert listed.whole or listed.names, f"docs/plugins.md:{listed.line}: {module} lists no name"
    missing = sorted(listed.names - set(exported))
    assert not missing, f"docs/plugins.md lists {missing} of {module}, not in its __all__"
    absent = sorted(name for name in exported if not hasattr(imported, name))
    assert not absent, f"{module}.__all__ names {absent}, which the module does not define"


@pytest.mark.parametrize("module", sorted(PUBLIC))
def test_no_private_name_is_public(module: str) -> None:
    private = sorted(name for name in public_names(module) if name.startswith("_"))
    assert not private, f"{module}: {private} start with _ and cannot be public"
    assert not any(part.startswith("_") for part in module.split("."))


@pytest.mark.parametrize(
    ("source", "refused"),
    [
        ("from ediary.adapters.manager import load_plugins", "ediary.adapters.manager"),
        ("from ediary.domain.access import viewer_of", "viewer_of"),
        ("from ediary.domain.identity import _SEPARATORS", "_SEPARATORS"),
        ("from ediary.domain import access as policy\npolicy.student_grant", "student_grant"),
        ("from ediary.domain import auth\nauth.resolve_session(token)", "resolve_session"),
        ("import ediary.schema.context", "ediary.schema.context"),
        ("import ediary.domain.models\nediary.domain.auth.token_digest", "token_digest"),
        ("from ediary.db import *", "import *"),
    ],
)
def test_the_check_refuses_what_is_not_listed(source: str, refused: str) -> None:
    findings = check_source(source, "probe.py")
    assert len(findings) == 1 and refused in findings[0].text, findings


def test_the_check_admits_what_is_listed() -> None:
    source = (
        "from ediary.adapters import hookimpl\n"
        "from ediary.domain import tokens, models\n"
        "import ediary.domain.identity as identity\n"
        "import ediary.domain.models\n"
        "tokens.issue\nmodels.User.filter\nidentity.format_snils('00100199800')\n"
        "ediary.domain.models.Enrollment\n"
    )
    assert check_source(source, "probe.py") == []


def test_plugins_read_their_settings_from_the_hooks_not_the_environment() -> None:
    # A hook gets the server's Settings; a plugin's own variables are in `settings.extra`.
    # Reading os.environ instead sees another process's environment in tests, and re-reads
    # it on every request.
    found = [
        f"{path.relative_to(ROOT)}:{node.lineno}"
        for path in plugin_sources()
        if "tests" not in path.relative_to(PLUGINS).parts
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.Attribute)
        and node.attr in {"environ", "getenv"}
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    ]
    assert not found, found
