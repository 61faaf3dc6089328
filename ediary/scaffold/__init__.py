"""`ediary plugins new NAME`: a new plugin's distribution, with one module per hook asked for,
tests on `ediary.testing` that pass, and a README, from the templates next to this module."""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

# The hooks a new plugin can start with, and the module of the package that implements each.
HOOK_MODULES = {
    "region_policy": "policy",
    "login_flows": "login",
    "import_backends": "imports",
    "graphql_schema": "graphql",
    "http_routes": "routes",
    "database_models": "database",
}
HOOKS = tuple(HOOK_MODULES)

NAME = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")


class ScaffoldError(ValueError):
    """A name, hook or directory the scaffold cannot use; the message says why."""


@dataclass(frozen=True)
class Names:
    """How one plugin name is spelled where it is used."""

    name: str
    region: str

    @property
    def package(self) -> str:
        return "ediary_" + self.name.replace("-", "_")

    @property
    def distribution(self) -> str:
        return f"ediary-{self.name}"

    def values(self, hooks: list[str]) -> dict[str, str]:
        words = self.name.split("-")
        camel = "".join(word.capitalize() for word in words)
        return {
            "name": self.name,
            "region": self.region,
            "package": self.package,
            "distribution": self.distribution,
            "label": self.name.replace("-", "_"),
            "upper": self.name.replace("-", "_").upper(),
            "camel": camel,
            "lower_camel": camel[0].lower() + camel[1:],
            "hooks": ", ".join(f"`{hook}`" for hook in hooks),
        }


def _render(template: str, values: dict[str, str]) -> str:
    text = files("ediary.scaffold").joinpath("templates", template).read_text(encoding="utf-8")
    return Template(text).substitute(values)


def _plugin_module(names: Names, hooks: list[str]) -> str:
    # `import hook as hook` marks a re-export for ruff and mypy: pluggy finds the hooks here.
    modules = sorted((HOOK_MODULES[hook], hook) for hook in hooks)
    imports = "".join(
        f"from {names.package}.{module} import {hook} as {hook}\n" for module, hook in modules
    )
    return (
        f'"""The hooks of {names.distribution}; the entry point `{names.name}` names this '
        f'module."""\n\n{imports}'
    )


def plan(names: Names, hooks: list[str]) -> dict[str, str]:
    """The files of the new plugin, by path relative to its directory."""
    values = names.values(hooks)
    package = names.package
    planned = {
        "pyproject.toml": _render("pyproject.toml.tmpl", values),
        "README.md": _render("README.md.tmpl", values),
        f"{package}/__init__.py": _render("__init__.py.tmpl", values),
        f"{package}/plugin.py": _plugin_module(names, hooks),
        "tests/conftest.py": _render("conftest.py.tmpl", values),
    }
    for hook in hooks:
        module = HOOK_MODULES[hook]
        planned[f"{package}/{module}.py"] = _render(f"{module}.py.tmpl", values)
        planned[f"tests/test_{module}.py"] = _render(f"test_{module}.py.tmpl", values)
    if "database_models" in hooks:
        planned[f"{package}/models.py"] = _render("models.py.tmpl", values)
        planned[f"{package}/migrations/__init__.py"] = ""
        planned[f"{package}/migrations/0001_initial.py"] = _render("migration.py.tmpl", values)
    return planned


def new_plugin(name: str, directory: Path, hooks: list[str], region: str | None = None) -> Path:
    """Write a new plugin's distribution into `directory`/ediary-NAME and return its path.

    Raises ScaffoldError for a bad name or hook, or when the directory exists."""
    if not NAME.fullmatch(name):
        raise ScaffoldError(
            f"{name!r} is not a plugin name: lowercase letters and digits, words joined by "
            "hyphens, starting with a letter (for example 'tatarstan')"
        )
    unknown = sorted(set(hooks) - set(HOOKS))
    if unknown:
        raise ScaffoldError(f"unknown hooks {', '.join(unknown)}; known: {', '.join(HOOKS)}")
    names = Names(name, region or name)
    target = directory / names.distribution
    if target.exists():
        raise ScaffoldError(f"{target} already exists")
    chosen = [hook for hook in HOOKS if hook in hooks] if hooks else list(HOOKS)
    for relative, text in plan(names, chosen).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return target
