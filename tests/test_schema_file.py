"""The committed schema files are what the server builds: schema.graphql with the bundled
plugins (what `ediary serve` answers introspection with), schema.core.graphql without them,
each bundled plugin's own file with what it adds. Against the last release's schema, every
breaking change is one listed, with its reason, in schema.breaking.toml."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
import strawberry
from graphql import (
    GraphQLInputObjectType,
    GraphQLObjectType,
    build_client_schema,
    build_schema,
    get_introspection_query,
    lexicographic_sort_schema,
    print_schema,
)

from ediary.adapters.manager import load_plugins
from ediary.cli import main
from ediary.schema import build_schema as build_ediary_schema
from ediary.schema import published
from ediary.schema.breaking import allowed_changes, check
from ediary_example import plugin as example_plugin
from tests.servers import Server

FILES = {file.name: file for file in published.committed_files()}


@pytest.mark.parametrize("name", FILES)
def test_each_committed_schema_file_is_what_the_code_builds(name: str) -> None:
    file = FILES[name]
    assert file.path.exists() and file.path.read_text() == file.build(), (
        f"{name} is out of date: run `{file.command}` (or `make schema`) and commit it"
    )


def test_the_command_checks_every_file_and_prints_one(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--check"]) == 0
    assert "The schema files match the code." in capsys.readouterr().out
    assert main(["schema", "--plugin", "moscow", "--print"]) == 0
    moscow = published.plugin_directory("moscow") / "schema.graphql"
    assert capsys.readouterr().out == moscow.read_text()
    assert main(["schema", "--plugin", "no_such_plugin", "--print"]) == 2
    assert "no_such_plugin" in capsys.readouterr().err


def test_the_bundled_plugins_are_the_ones_make_install_installs() -> None:
    makefile = (published.REPOSITORY / "Makefile").read_text()
    line = re.search(r"^PLUGINS := (.*)$", makefile, re.MULTILINE)
    assert line is not None
    installed = {Path(path).name for path in line.group(1).split()}
    assert {published.plugin_directory(p).name for p in published.BUNDLED_PLUGINS} == installed


def _sorted_sdl(text: str) -> str:
    return print_schema(lexicographic_sort_schema(build_schema(text)))


async def test_schema_graphql_is_what_a_running_server_serves(
    database: str, tmp_path: Path
) -> None:
    env = {"EDIARY_DATABASE_URL": database, "EDIARY_INTROSPECTION": "true"}
    env["EDIARY_PLUGINS"] = ",".join(published.BUNDLED_PLUGINS)
    async with Server(env, tmp_path / "serve.log") as server, httpx.AsyncClient() as client:
        response = await client.post(
            f"{server.url}/graphql",
            json={"query": get_introspection_query(descriptions=True, specified_by_url=True)},
        )
    answer = response.json()
    assert "errors" not in answer, answer
    served = print_schema(lexicographic_sort_schema(build_client_schema(answer["data"])))
    assert served == _sorted_sdl(published.SERVED_FILE.read_text())


def test_a_plugin_file_holds_what_the_plugin_adds_and_no_more() -> None:
    core = published.CORE_FILE.read_text()
    dnevnik = (published.plugin_directory("dnevnik") / "schema.graphql").read_text()
    assert "redeemAccessCode" in dnevnik and "redeemAccessCode" not in core
    assert "redeemAccessCode" in published.SERVED_FILE.read_text()
    # Core types appear only as extensions, and the file completes the core schema.
    assert "\ntype Query " not in dnevnik and "extend type Query {" in dnevnik
    with_dnevnik = build_ediary_schema(load_plugins(allowed=("dnevnik",))).as_str()
    assert _sorted_sdl(core + "\n" + dnevnik) == _sorted_sdl(with_dnevnik)


def test_a_loaded_plugin_adds_its_fields_and_types() -> None:
    core = build_ediary_schema(load_plugins(allowed=()))
    with_dnevnik = build_ediary_schema(load_plugins(allowed=("dnevnik",)))
    for schema, present in ((core, False), (with_dnevnik, True)):
        mutations = schema._schema.mutation_type
        queries = schema._schema.query_type
        assert mutations is not None and queries is not None
        assert ("redeemAccessCode" in mutations.fields) is present
        assert ("accessCodeBatches" in queries.fields) is present
        assert ("AccessCodeBatch" in schema._schema.type_map) is present
        # The core stays whole either way.
        assert {"login", "logout"} <= set(mutations.fields)
        assert {"node", "viewer", "diary", "loginFlows"} <= set(queries.fields)


def test_no_change_breaks_clients_of_the_last_release_unless_it_is_listed() -> None:
    verdict = check(
        published.RELEASE_FILE.read_text(),
        published.SERVED_FILE.read_text(),
        allowed_changes(published.ALLOWED_BREAKS_FILE),
    )
    assert verdict.unexpected == [], (
        "These changes break clients built from schema.release.graphql. Undo them, or list "
        "them in schema.breaking.toml with the reason the break is worth it."
    )
    assert verdict.no_longer_happening == [], (
        "schema.breaking.toml lists changes that no longer happen: remove them."
    )


def test_the_check_catches_a_break_and_honours_a_listed_one(tmp_path: Path) -> None:
    release = "type Query {\n  a: Int!\n  b: String\n}\n"
    served = "type Query {\n  a: Int\n}\n"
    allowed = tmp_path / "allowed.toml"
    allowed.write_text(
        '[[breaks]]\nreason = "a may fail on its own now"\n'
        'changes = ["Field Query.a changed type from Int! to Int.",\n'
        '  "Field Query.gone was removed."]\n'
    )
    verdict = check(release, served, allowed_changes(allowed))
    assert verdict.unexpected == ["Field Query.b was removed."]
    assert verdict.no_longer_happening == ["Field Query.gone was removed."]
    allowed.write_text('[[breaks]]\nchanges = ["Field Query.b was removed."]\n')
    with pytest.raises(ValueError, match="no reason"):
        allowed_changes(allowed)


SCHEMAS = {
    "core": lambda: build_ediary_schema(load_plugins(allowed=())),
    "with plugins": lambda: build_ediary_schema(
        load_plugins(published.BUNDLED_PLUGINS, extra=[example_plugin])
    ),
}


# Words a description may add to a field's name and still say nothing ("The student.").
FILLER = frozenset({"the", "a", "an", "it", "its", "their", "id", "of"})


def _says_nothing(field: str, description: str | None) -> bool:
    """Whether a description is missing, or under three words, or only the field's name."""
    if not description:
        return True
    words = re.findall(r"[a-z0-9]+", description.lower())
    named = set(re.findall(r"[a-z]+", re.sub(r"([A-Z])", r" \1", field).lower()))
    return len(words) < 3 or set(words) <= named | FILLER


def test_a_description_that_repeats_the_name_says_nothing() -> None:
    assert _says_nothing("studentId", "The student.")
    assert _says_nothing("lastName", "Last name.")
    assert _says_nothing("title", "The title of it.")
    assert _says_nothing("agenda", None)
    assert not _says_nothing("studentId", "ID of a student of the lesson's class.")


@pytest.mark.parametrize("label", SCHEMAS)
def test_every_field_and_type_is_described(label: str) -> None:
    schema: strawberry.Schema = SCHEMAS[label]()
    missing = []
    for name, kind in schema._schema.type_map.items():
        if name.startswith("__") or not isinstance(
            kind, GraphQLObjectType | GraphQLInputObjectType
        ):
            continue
        if name not in {"Query", "Mutation"} and not kind.description:
            missing.append(name)
        missing += [
            f"{name}.{field}: {definition.description!r}"
            for field, definition in kind.fields.items()
            if field != "id" and _says_nothing(field, definition.description)
        ]
    assert missing == [], label
