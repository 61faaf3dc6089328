"""The docs keep up with the repository: the README's table names every plugin and every
guide, no page claims a number of plugins that plugins/ does not have, the plugin guide lists
every plugin here, and its checklist asks nothing a plugin outside this repository cannot do."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
GUIDE = ROOT / "docs" / "plugins.md"
COUNT_WORDS = "one two three four five six seven eight nine ten eleven twelve".split()
COUNT = re.compile(
    r"\b(" + "|".join(COUNT_WORDS) + r"|\d+)\s+(?:[a-z-]+\s+)?plugins\b", re.IGNORECASE
)


def plugin_dirs() -> list[str]:
    return sorted(p.name for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").is_file())


def readme_rows() -> list[tuple[str, str]]:
    """(first cell, whole row) of every row of the README's tables."""
    rows = []
    for line in README.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) > 1 and not set(cells[0]) <= set("-: "):
            rows.append((cells[0], line))
    return rows


def section(text: str, heading: str) -> str:
    start = text.index(f"\n{heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_the_repository_has_plugins_and_docs() -> None:
    # Guards the tests below against passing on an empty listing.
    assert {"ediary-example", "ediary-dnevnik"} <= set(plugin_dirs())
    assert (ROOT / "docs" / "plugins.md").is_file()


def test_every_plugin_has_a_row_in_the_readme() -> None:
    paths = {first for first, _ in readme_rows()}
    missing = [name for name in plugin_dirs() if f"`plugins/{name}/`" not in paths]
    assert not missing, f"README.md's table has no row `plugins/NAME/` for {missing}"


def test_every_package_of_ediary_has_a_row_in_the_readme() -> None:
    rows = "\n".join(first for first, _ in readme_rows())
    packages = sorted(
        path.name
        for path in (ROOT / "ediary").iterdir()
        if (path / "__init__.py").is_file() and path.name != "__pycache__"
    )
    missing = [name for name in packages if f"`ediary/{name}/`" not in rows]
    assert not missing, f"README.md's table has no row `ediary/NAME/` for {missing}"


def test_every_doc_is_linked_from_the_readmes_table() -> None:
    rows = "\n".join(row for _, row in readme_rows())
    missing = [
        doc.name for doc in sorted((ROOT / "docs").glob("*.md")) if f"(docs/{doc.name})" not in rows
    ]
    assert not missing, f"README.md's table links no (docs/NAME) for {missing}"


def test_no_page_claims_another_number_of_plugins() -> None:
    pages = [README, *sorted((ROOT / "docs").glob("*.md"))]
    pages += sorted((ROOT / "plugins").glob("*/README.md"))
    actual = len(plugin_dirs())
    wrong = []
    for page in pages:
        for claim in COUNT.finditer(page.read_text()):
            word = claim[1].lower()
            number = int(word) if word.isdigit() else COUNT_WORDS.index(word) + 1
            if number != actual:
                wrong.append(f"{page.relative_to(ROOT)}: {claim[0]!r}")
    assert not wrong, f"plugins/ has {actual} plugins; write these without a count:\n" + "\n".join(
        wrong
    )


def test_the_count_check_reads_numbers_in_words() -> None:
    claims = [m[1] for m in COUNT.finditer("Two plugins live here; 5 bundled plugins; plugins")]
    assert claims == ["Two", "5"]


def test_the_guide_presents_every_plugin() -> None:
    intro = GUIDE.read_text().split("\n## ", 1)[0]
    missing = [name for name in plugin_dirs() if f"(../plugins/{name})" not in intro]
    assert not missing, f"docs/plugins.md's list of the plugins here lacks {missing}"


def test_the_checklist_asks_no_edit_of_the_core() -> None:
    # A plugin lives outside this repository: it cannot change ediary's own files or run its
    # test suite, so the checklist points at hooks, public modules and commands instead.
    checklist = section(GUIDE.read_text(), "## Checklist")
    assert "- [ ]" in checklist
    core_files = re.findall(r"\b(?:ediary|tests)/[\w/.-]*|\b[\w/.-]+\.py\b", checklist)
    assert not core_files, f"docs/plugins.md's checklist names core files: {core_files}"
