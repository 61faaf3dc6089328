"""The plugin contract is complete: every hook of ediary/adapters/hookspecs.py is documented
in docs/plugins.md (signature, return value, example, the plugin that uses it) and has a test
in tests/plugins/test_hooks.py whose probe plugin the hook actually reaches."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest

from ediary.adapters import hookspecs
from ediary.domain.grading import RegionPolicy
from tests.plugins import test_hooks

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "plugins.md"
HEADING = re.compile(r"^### `(\w+)\(([^)]*)\)`$", re.MULTILINE)


def _hooks() -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(function)
        for name, function in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(function, "ediary_spec")
    }


def _sections() -> dict[str, tuple[str, str]]:
    """Hook name to (documented arguments, section text)."""
    text = GUIDE.read_text()
    found = list(HEADING.finditer(text))
    sections = {}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(text)
        body = text[match.end() : end].split("\n## ", 1)[0]
        sections[match[1]] = (match[2], body)
    return sections


def test_the_specification_has_the_expected_hooks() -> None:
    # Guards the two tests below against finding no hooks at all.
    assert {"login_flows", "region_policy", "graphql_schema", "startup"} <= set(_hooks())


@pytest.mark.parametrize("hook", sorted(_hooks()))
def test_every_hook_is_documented(hook: str) -> None:
    sections = _sections()
    assert hook in sections, f"docs/plugins.md has no section '### `{hook}(...)`'"
    arguments, body = sections[hook]
    expected = ", ".join(_hooks()[hook].parameters)
    assert arguments == expected, f"docs/plugins.md shows {hook}({arguments}), not ({expected})"
    for part in ("**Returns**", "**Example**", "```python", "**Used by**"):
        assert part in body, f"the section of {hook} lacks {part}"
    spec = getattr(hookspecs, hook).ediary_spec
    if spec.get("firstresult"):
        assert "first result" in body, f"say that {hook} is a first-result hook"


def test_no_section_documents_a_hook_that_does_not_exist() -> None:
    assert set(_sections()) <= set(_hooks())


@pytest.mark.parametrize("hook", sorted(_hooks()))
def test_every_hook_has_a_test(hook: str) -> None:
    tested = {
        mark.args[0]: name
        for name, function in inspect.getmembers(test_hooks, inspect.isfunction)
        for mark in getattr(function, "pytestmark", [])
        if mark.name == "hook"
    }
    assert hook in tested, (
        f"tests/plugins/test_hooks.py needs a test marked @pytest.mark.hook({hook!r}) "
        "that registers a probe plugin and observes the hook's effect"
    )
    # The marked test must take the `calls` fixture, which fails it unless the hook ran.
    parameters = inspect.signature(getattr(test_hooks, tested[hook])).parameters
    assert "calls" in parameters, f"{tested[hook]} must use the `calls` fixture"


def test_the_region_policy_section_documents_every_field() -> None:
    # A field added to RegionPolicy must get a row in the section's table, and a row must not
    # outlive its field.
    _, body = _sections()["region_policy"]
    documented = set(re.findall(r"^\| `(\w+)` \|", body, re.MULTILINE))
    assert documented == {f.name for f in dataclasses.fields(RegionPolicy)}
