"""One "today" for the whole server: the schools' today, `Settings.school_today()` (in the
schools' time zone, or `EDIARY_TODAY` for demos and tests). Resolvers and routes ask
`Context.today()`, domain functions take `today` as an argument, hooks read it from the
settings they get. A call of the system's `date.today()` (the server's time zone, deaf to
`EDIARY_TODAY`), or a read of `settings.today` that skips the zone, is a second answer."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The one place that answers it.
ANSWERS = {ROOT / "ediary" / "config.py"}
CLOCKS = {"date", "datetime", "datetime.date", "datetime.datetime"}


def _sources() -> list[Path]:
    found = [*(ROOT / "ediary").rglob("*.py"), *(ROOT / "plugins").rglob("*.py")]
    return sorted(p for p in found if ".venv" not in p.parts and p not in ANSWERS)


def _second_answers(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        # date.today(), datetime.date.today(), datetime.today()
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "today"
            and not node.args
            and ast.unparse(node.func.value) in CLOCKS
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
        # settings.today, info.context.settings.today, ...: the raw setting, without the zone
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "today"
            and ast.unparse(node.value).split(".")[-1] == "settings"
        ):
            found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_sources_are_found() -> None:
    names = {p.name for p in _sources()}
    assert {"context.py", "access.py", "plugin.py"} <= names


def test_nothing_but_settings_answers_what_day_it_is() -> None:
    found = [line for path in _sources() for line in _second_answers(path)]
    assert found == [], "ask Context.today() or settings.school_today():\n" + "\n".join(found)


def test_the_check_sees_each_form(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import datetime\nfrom datetime import date\n"
        "a = date.today()\nb = datetime.date.today()\nc = datetime.datetime.today()\n"
        "d = info.context.settings.today\ne = settings.school_today()\n"
    )
    lines = [line.split(": ", 1)[1] for line in _second_answers(sample, tmp_path)]
    assert lines == [
        "date.today()",
        "datetime.date.today()",
        "datetime.datetime.today()",
        "info.context.settings.today",
    ]
