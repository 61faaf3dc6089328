"""The integrator's kit keeps a region plugin's wiring small: the Tatarstan plugin (a portal
login, an import backend and a region policy) needs under 60 lines that are not the region's
own logic — its pyproject, the module of hooks and the tests' conftest. When this fails, the
contract has started asking plugins to copy something the core should give them."""

from __future__ import annotations

import ast
from pathlib import Path

PLUGIN = Path(__file__).resolve().parent.parent / "plugins" / "ediary-tatarstan"
WIRING = ("pyproject.toml", "ediary_tatarstan/plugin.py", "tests/conftest.py")
LIMIT = 60


def code_lines(path: Path) -> int:
    """Lines that are neither blank, nor comments, nor docstrings."""
    text = path.read_text(encoding="utf-8")
    skipped: set[int] = set()
    if path.suffix == ".py":
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                first = node.body[0] if node.body else None
                if (
                    isinstance(first, ast.Expr)
                    and isinstance(first.value, ast.Constant)
                    and isinstance(first.value.value, str)
                ):
                    skipped.update(range(first.lineno, (first.end_lineno or first.lineno) + 1))
    return sum(
        1
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.strip().startswith("#") and number not in skipped
    )


def test_code_lines_leave_out_docstrings_comments_and_blanks(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text(
        '"""Doc\nstring."""\n\n# why\nimport os\n\n\ndef f():\n    """Doc."""\n    return os\n'
    )
    assert code_lines(module) == 3


def test_a_region_plugins_wiring_stays_under_sixty_lines() -> None:
    counted = {name: code_lines(PLUGIN / name) for name in WIRING}
    assert sum(counted.values()) < LIMIT, counted
