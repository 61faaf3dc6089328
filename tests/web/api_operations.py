"""The GraphQL operations docs/api.md shows, as a frontend developer copies them: every
```graphql block that holds named operations (and the fragments they spread). A block of SDL,
an anonymous operation (a one-liner to paste into GraphiQL, which codegen cannot name a type
after) or one that does not parse is left out, with the reason."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from graphql import (
    ExecutableDefinitionNode,
    GraphQLSyntaxError,
    OperationDefinitionNode,
    parse,
)

# A fence may be indented (inside a list item); its closing fence has the same indent.
_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)```graphql[ \t]*\n(?P<body>.*?)^(?P=indent)```", re.M | re.S
)


@dataclass(frozen=True)
class Block:
    line: int
    text: str


@dataclass(frozen=True)
class Skipped:
    line: int
    reason: str


@dataclass(frozen=True)
class Operations:
    kept: list[Block]
    skipped: list[Skipped]
    names: list[str]

    def document(self, source: str) -> str:
        """One .graphql file with every kept block, saying where each comes from and what was
        left out."""
        header = [f"# The named operations of {source}."]
        header += [f"# left out: line {s.line}: {s.reason}" for s in self.skipped]
        body = [f"# {source}, line {b.line}\n{b.text.strip()}\n" for b in self.kept]
        return "\n".join(header) + "\n\n" + "\n".join(body)


def _why_not(text: str) -> str | None:
    try:
        document = parse(text)
    except GraphQLSyntaxError as error:
        return f"does not parse ({error.message})"
    if not all(isinstance(d, ExecutableDefinitionNode) for d in document.definitions):
        return "schema definition language, not an operation"
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if any(o.name is None for o in operations):
        return "an anonymous operation"
    return None


def graphql_blocks(markdown: str) -> list[Block]:
    """Every ```graphql block of a markdown text, with its first line, indentation removed."""
    found = []
    for match in _BLOCK.finditer(markdown):
        indent = match.group("indent")
        text = "".join(
            row.removeprefix(indent) for row in match.group("body").splitlines(keepends=True)
        )
        found.append(Block(markdown.count("\n", 0, match.start()) + 1, text))
    return found


def operations_in(markdown: str) -> Operations:
    kept: list[Block] = []
    skipped: list[Skipped] = []
    names: list[str] = []
    for block in graphql_blocks(markdown):
        line, text = block.line, block.text
        reason = _why_not(text)
        if reason is not None:
            skipped.append(Skipped(line, reason))
            continue
        kept.append(Block(line, text))
        names += [
            d.name.value
            for d in parse(text).definitions
            if isinstance(d, OperationDefinitionNode) and d.name is not None
        ]
    return Operations(kept, skipped, names)


def read_operations(path: Path) -> Operations:
    return operations_in(path.read_text(encoding="utf-8"))


if __name__ == "__main__":
    # python -m tests.web.api_operations > compat/frontend/operations/api.graphql
    from tests.servers import ROOT

    print(read_operations(ROOT / "docs" / "api.md").document("docs/api.md"), end="")
