"""The executor that answers plain leaf fields directly answers exactly what graphql-core's does.

Every document runs twice, on the schema built with `DiaryExecutionContext` and on the same
schema built with strawberry's own executor, and the whole answers are compared: data, error
messages, locations and paths.
"""

from __future__ import annotations

import asyncio
import datetime
import enum
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import httpx
import pytest
import strawberry
from graphql import GraphQLObjectType
from strawberry.extensions import SchemaExtension
from strawberry.relay import to_base64
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from ediary.adapters.manager import load_plugins
from ediary.adapters.notify import Notifier
from ediary.config import Settings
from ediary.schema import build_schema
from ediary.schema.context import Runtime
from ediary.schema.execution import DiaryExecutionContext, plain_field
from ediary.web.graphql_view import DiaryGraphQL
from tests.world import WEEK, World

Executor = type[StrawberryGraphQLCoreExecutionContext]
Answer = dict[str, Any]

W1 = (Path(__file__).resolve().parents[2] / "bench" / "queries" / "w1_ediary.graphql").read_text()

JOURNAL = """
query Journal($class: ID!, $subject: ID!, $term: ID!) {
  classJournal(classId: $class, subjectId: $subject, termId: $term) {
    schoolClass { id name grade letter classTeacher { shortName } }
    subject { name shortName }
    term { number startsOn endsOn }
    lessons {
      id date period room scheduledRoom topic status changeNote
      bell { number startsAt endsAt }
      homework { text dueOn }
      subject { name } teacher { shortName } substituteTeacher { shortName }
    }
    rows {
      student { fullName firstName lastName }
      cells { marks { id value weight kind comment } attendance { kind minutesLate excused } }
      average { average markCount weightTotal forecast }
    }
  }
}
"""

# Aliases, fragments (named and inline), @skip and @include by variable, __typename at every
# level, the same field asked twice, enums and the custom scalars (Date, Week, Time).
SHAPES = """
query Shapes($student: ID!, $week: Week!, $withMarks: Boolean!, $noBells: Boolean!) {
  diary(studentId: $student, week: $week) {
    __typename
    week
    thisWeek: week
    term { ...TermFields }
    days {
      __typename
      day: date
      date
      lessons {
        lesson {
          ...LessonFields
          when: bell @skip(if: $noBells) { startsAt endsAt __typename }
          status
          kindOfDay: status
        }
        marks @include(if: $withMarks) { ... on Mark { value kind __typename } weight }
        attendance { ... { kind excused excuseKind minutesLate } }
        remarks { kind text }
      }
      otherMarks { value }
    }
    termAverages { subject { ...Named } average forecast markCount weightTotal }
  }
}

fragment TermFields on Term { id number startsOn endsOn __typename }
fragment Named on Subject { name shortName }
fragment LessonFields on Lesson {
  id date period room scheduledRoom topic changeNote
  subject { ...Named }
  teacher { fullName shortName }
  substituteTeacher { shortName }
}
"""


@pytest.fixture(scope="module")
def views(settings: Settings) -> dict[str, DiaryGraphQL]:
    plugins = load_plugins(settings.plugins)

    def view(executor: Executor) -> DiaryGraphQL:
        schema = build_schema(plugins, execution_context_class=executor)
        return DiaryGraphQL(schema, settings, plugins, Notifier(()), Runtime())

    return {
        "fast": view(DiaryExecutionContext),
        "reference": view(StrawberryGraphQLCoreExecutionContext),
    }


async def _post(view: DiaryGraphQL, query: str, variables: dict[str, Any], token: str) -> Answer:
    transport = httpx.ASGITransport(app=view)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.post(
            "/graphql",
            json={"query": query, "variables": variables},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.text
    answer: Answer = response.json()
    return answer


async def _both(
    views: dict[str, DiaryGraphQL], world: World, query: str, variables: dict[str, Any], user: str
) -> Answer:
    """The answer of the fast executor, after checking the reference gives the very same."""
    token = world.tokens[user]
    fast = await _post(views["fast"], query, variables, token)
    reference = await _post(views["reference"], query, variables, token)
    assert {key: fast.get(key) for key in ("data", "errors")} == {
        key: reference.get(key) for key in ("data", "errors")
    }
    return fast


def _week(world: World) -> dict[str, Any]:
    return {"student": to_base64("Student", world.id("student")), "week": str(WEEK)}


async def test_the_diary_week_is_answered_the_same(
    views: dict[str, DiaryGraphQL], world: World
) -> None:
    answer = await _both(views, world, W1, _week(world), "parent")
    assert "errors" not in answer, answer
    days = answer["data"]["diary"]["days"]
    lessons = [x for day in days for x in day["lessons"]]
    assert lessons, "the world's week has lessons"
    assert {"startsAt": "08:30:00", "endsAt": "09:15:00"} in [x["lesson"]["bell"] for x in lessons]
    assert any(x["marks"] for x in lessons)


async def test_the_class_journal_is_answered_the_same(
    views: dict[str, DiaryGraphQL], world: World
) -> None:
    variables = {
        "class": to_base64("SchoolClass", world.id("class_7a")),
        "subject": to_base64("Subject", world.id("math")),
        "term": to_base64("Term", world.id("term2_A")),
    }
    answer = await _both(views, world, JOURNAL, variables, "math_teacher")
    assert "errors" not in answer, answer
    journal = answer["data"]["classJournal"]
    # The journal's lessons load their bells and homework: the awaitable branch of both.
    assert any(lesson["bell"] for lesson in journal["lessons"])
    assert any(lesson["homework"] for lesson in journal["lessons"])
    assert journal["rows"]


@pytest.mark.parametrize("with_marks", [True, False])
@pytest.mark.parametrize("no_bells", [True, False])
async def test_aliases_fragments_and_directives_are_answered_the_same(
    views: dict[str, DiaryGraphQL], world: World, with_marks: bool, no_bells: bool
) -> None:
    variables = {**_week(world), "withMarks": with_marks, "noBells": no_bells}
    answer = await _both(views, world, SHAPES, variables, "parent")
    assert "errors" not in answer, answer
    diary = answer["data"]["diary"]
    assert diary["__typename"] == "DiaryWeek"
    assert diary["week"] == diary["thisWeek"] == "2026-W48"
    monday = diary["days"][0]
    assert monday["day"] == monday["date"] == "2026-11-23"
    lesson = monday["lessons"][0]
    assert ("marks" in lesson) is with_marks
    assert ("when" in lesson["lesson"]) is not no_bells
    assert lesson["lesson"]["status"] == lesson["lesson"]["kindOfDay"]


async def test_refusals_are_answered_the_same(views: dict[str, DiaryGraphQL], world: World) -> None:
    # The administration of another school: the domain refuses, with an error at the diary's path.
    answer = await _both(views, world, W1, _week(world), "other_admin")
    assert answer["data"] == {"diary": None}
    assert answer["errors"][0]["path"] == ["diary"]


async def test_plain_leaves_need_no_resolve_info(
    views: dict[str, DiaryGraphQL], world: World, resolve_infos: list[str]
) -> None:
    built = resolve_infos
    token = world.tokens["parent"]
    await _post(views["reference"], W1, _week(world), token)
    reference, built[:] = list(built), []
    await _post(views["fast"], W1, _week(world), token)
    leaves = {"date", "period", "room", "topic", "status", "value", "kind", "text", "name"}
    assert leaves <= set(reference)
    assert not leaves & set(built), "plain leaves were given a resolve info"
    assert len(built) < len(reference) / 2
    # Plain objects and lists are completed without one too. Below the diary's resolver the
    # week is one plain tree: its days (a list the limits only mark) and the bells the week
    # loaded with its lessons are read without their resolvers.
    assert set(built) == {"diary"}


def test_only_plain_fields_have_a_plan() -> None:
    schema = build_schema(load_plugins(allowed=()))._schema
    lesson = schema.get_type("Lesson")
    week = schema.get_type("DiaryWeek")
    assert isinstance(lesson, GraphQLObjectType) and isinstance(week, GraphQLObjectType)
    for leaf in ("room", "scheduledRoom", "status", "date"):  # String!, String, enum, scalar
        plan = plain_field(lesson, leaf)
        assert plan is not None and plan.leaf is not None, leaf
    for composite in ("subject", "substituteTeacher"):  # an object, non-null and nullable
        plan = plain_field(lesson, composite)
        assert plan is not None and plan.leaf is None, composite
    assert plain_field(lesson, "id") is None  # relay's resolver
    assert plain_field(lesson, "bell") is None  # a resolver of our own
    days = plain_field(week, "days")  # marked by an extension without a resolve hook (MaxItems)
    assert days is not None and days.leaf is None
    assert plain_field(lesson, "__typename") is None


# A schema of its own for what the world's data never does: nulls in non-null fields,
# attributes that raise, values a scalar refuses, awaitable attributes.


@strawberry.enum
class Colour(enum.Enum):
    RED = "red"
    GREEN = "green"


class Row:
    """A source object: strawberry's fields without a resolver read its attributes."""

    def __init__(self, name: Any, count: Any = 1, colour: Any = Colour.RED) -> None:
        self.name = name
        self.nickname: Any = None
        self.count = count
        self.colour = colour
        self.day = datetime.date(2026, 11, 23)
        self.tags = [name, "shared"]  # a null name is a null in a list of non-null strings
        self.scores = [count, None]  # a count Int refuses is refused inside the list too

    @property
    def fragile(self) -> str:
        raise ValueError(f"{self.name} cannot be read")


async def _later(value: str) -> str:
    await asyncio.sleep(0)
    return value


class LateRow(Row):
    """A row whose nickname is awaitable, made when read."""

    @property
    def nickname(self) -> Any:
        return _later("awaited")

    @nickname.setter
    def nickname(self, value: Any) -> None:
        pass


@strawberry.type
class Thing:
    name: str
    nickname: str | None
    count: int | None
    colour: Colour
    day: datetime.date
    fragile: str | None
    tags: list[str] | None
    scores: list[int | None]

    @strawberry.field
    def explodes(self) -> str | None:
        raise RuntimeError("a resolver that raises")


@strawberry.type
class Holder:
    thing: Thing
    label: str


@strawberry.type
class Shelf:
    things: list[Thing | None]
    spare: Thing | None
    odd: list[Thing]


def _rows() -> list[Any]:
    return [
        Row("plain"),
        Row(None),  # a null in the non-null `name`
        Row("odd", count="many"),  # a value Int refuses
        Row("paint", colour="purple"),  # not a member of the enum
        Row("error", count=ValueError("an error as a value")),
        LateRow("late"),
    ]


@strawberry.type
class Query:
    @strawberry.field
    def things(self) -> list[Thing | None]:
        return _rows()

    @strawberry.field
    def strict(self) -> list[Thing]:
        return _rows()

    @strawberry.field
    def holders(self) -> list[Holder | None]:
        return [Holder(thing=row, label=str(row.name)) for row in _rows()]

    @strawberry.field
    def holder_of_nothing(self) -> Holder | None:
        return None

    @strawberry.field
    def shelf(self) -> Shelf:
        # Plain lists of objects: completed by the executor's own loop, not graphql-core's.
        return Shelf(things=_rows(), spare=None, odd=_rows())


class Counting(SchemaExtension):
    """An extension with a resolve hook: graphql-core runs it as middleware on every field."""

    seen: ClassVar[list[str]] = []

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any
    ) -> Any:
        Counting.seen.append(info.field_name)
        return _next(root, info, *args, **kwargs)


def _schema(executor: Executor, extensions: list[type[SchemaExtension]] | None = None) -> Any:
    return strawberry.Schema(
        query=Query, execution_context_class=executor, extensions=extensions or []
    )


@pytest.fixture
def counted() -> Iterator[list[str]]:
    Counting.seen = []
    yield Counting.seen


ODD_DOCUMENTS = [
    "{ things { name nickname count colour day } }",
    "{ things { name fragile } }",
    "{ things { explodes name } }",
    "{ strict { name } }",
    "{ strict { count } }",
    "{ holders { label thing { name count colour } } }",
    "{ holders { label thing { fragile nickname } } }",
    "{ things { n: name c: colour, ...on Thing { count } __typename } }",
    "{ holderOfNothing { label thing { name } } }",
    "{ shelf { things { name count } spare { name } } }",
    "{ shelf { odd { name } } }",
    "{ shelf { things { fragile } odd { day } } }",
    "{ shelf { things { tags scores } } }",
    "{ shelf { odd { tags } } }",
    "{ shelf { things { scores name } spare { tags } } }",
    "{ holders { thing { tags scores } } }",
    # Nothing selected of an object: every field skipped.
    "{ holders { ... @skip(if: true) { label } }"
    " shelf { spare { name } odd { ... @include(if: false) { name } } } }",
]


async def _compare(document: str, extensions: list[type[SchemaExtension]] | None = None) -> Any:
    fast = await _schema(DiaryExecutionContext, extensions).execute(document)
    reference = await _schema(StrawberryGraphQLCoreExecutionContext, extensions).execute(document)
    assert fast.data == reference.data

    def errors(result: Any) -> list[Any]:
        return [error.formatted for error in result.errors or []]

    assert errors(fast) == errors(reference)
    return fast


@pytest.mark.parametrize("document", ODD_DOCUMENTS)
async def test_odd_values_and_errors_are_answered_the_same(document: str) -> None:
    await _compare(document)


async def test_a_null_in_a_non_null_leaf_propagates_as_graphql_core_does() -> None:
    result = await _compare("{ things { name } }")
    assert result.data["things"][0] == {"name": "plain"}
    assert result.data["things"][1] is None  # up to the nullable list item
    assert [error.path for error in result.errors] == [["things", 1, "name"]]
    assert result.errors[0].message == "Cannot return null for non-nullable field Thing.name."
    # `strict` is a non-null list of non-null things: the null reaches the root.
    result = await _compare("{ strict { name } }")
    assert result.data is None
    assert [error.path for error in result.errors] == [["strict", 1, "name"]]


async def test_a_raising_attribute_is_reported_at_its_path() -> None:
    result = await _compare("{ things { fragile } }")
    assert result.errors[0].path == ["things", 0, "fragile"]
    assert result.errors[0].message == "plain cannot be read"
    assert result.data["things"][0] == {"fragile": None}


async def test_an_awaitable_attribute_is_awaited() -> None:
    result = await _compare("{ things { name nickname } }")
    assert result.data["things"][5] == {"name": "late", "nickname": "awaited"}


async def test_a_resolve_hook_still_sees_every_field(counted: list[str]) -> None:
    await _compare("{ things { count colour } }", extensions=[Counting])
    # Both executors ran the hook on every leaf of every row.
    assert counted.count("count") == 2 * len(_rows())
    assert counted.count("colour") == counted.count("count")


def test_a_plan_reads_what_strawberrys_resolver_reads() -> None:
    thing = _schema(DiaryExecutionContext)._schema.get_type("Thing")
    assert isinstance(thing, GraphQLObjectType)
    row = Row("plain", count=3)
    for name in ("name", "nickname", "count", "colour", "day"):
        plan = plain_field(thing, name)
        assert plan is not None, name
        assert plan.read(row) == thing.fields[name].resolve(row, None)
    assert plain_field(thing, "explodes") is None
