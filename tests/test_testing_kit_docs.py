"""docs/plugins.md's table of `ediary.testing` fixtures lists every fixture with its scope."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import ediary.testing.plugin

ROOT = Path(__file__).resolve().parent.parent
SECTION = re.compile(r"^## Testing a plugin\n(.*?)^## ", re.S | re.M)
ROW = re.compile(r"^\| (`[^|]+`) \| ([a-z, ]+) \|", re.M)


def documented() -> dict[str, str]:
    found = SECTION.search((ROOT / "docs" / "plugins.md").read_text(encoding="utf-8"))
    assert found, "docs/plugins.md has no section 'Testing a plugin'"
    scopes: dict[str, str] = {}
    for cell, listed in ROW.findall(found.group(1)):
        names = re.findall(r"`(\w+)`", cell)
        # One scope for the row, or one per name ("session, test").
        row_scopes = listed.split(", ")
        for index, name in enumerate(names):
            scopes[name] = row_scopes[index if len(row_scopes) == len(names) else 0]
    return scopes


def fixtures() -> dict[str, str]:
    """Fixture name -> scope ("test" for pytest's "function"), read from the kit's source."""
    tree = ast.parse(Path(ediary.testing.plugin.__file__).read_text(encoding="utf-8"))
    scopes: dict[str, str] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for decorator in node.decorator_list:
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call else decorator
            if isinstance(target, ast.Attribute) and target.attr == "fixture":
                scope = next(
                    (k.value for k in (call.keywords if call else []) if k.arg == "scope"), None
                )
                value = scope.value if isinstance(scope, ast.Constant) else "function"
                scopes[node.name] = "test" if value == "function" else str(value)
    return scopes


def test_every_fixture_of_the_kit_is_documented_with_its_scope() -> None:
    kit = fixtures()
    assert {"database", "app", "graphql", "world", "mailbox"} <= set(kit)
    assert documented() == kit
