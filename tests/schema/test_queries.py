"""Marks pages, averages, term marks, timetables and bells, as a family or teacher reads them."""

from __future__ import annotations

from strawberry.relay import to_base64

from tests.conftest import GraphQLClient
from tests.world import WEEK, World

MARKS = """
query($student: ID!, $first: Int!, $after: String, $subject: ID, $term: ID) {
  marks(studentId: $student, first: $first, after: $after, subjectId: $subject, termId: $term) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    edges { cursor node { id value weight kind subject { name } author { shortName }
                          lesson { topic } student { fullName } } }
  }
}
"""


def ids(world: World, **names: tuple[str, str]) -> dict[str, str]:
    return {key: to_base64(kind, world.id(name)) for key, (kind, name) in names.items()}


async def test_marks_are_paged_newest_first_with_stable_cursors(
    gql: GraphQLClient, world: World
) -> None:
    student = ids(world, s=("Student", "student"))["s"]
    term = to_base64("Term", world.id("term2_A"))
    first = await gql(MARKS, {"student": student, "first": 2, "term": term}, as_user="parent")
    assert "errors" not in first, first
    page = first["data"]["marks"]
    total = page["totalCount"]
    assert total >= 3
    assert page["pageInfo"]["hasNextPage"] is True
    seen = [edge["node"]["id"] for edge in page["edges"]]
    after = page["pageInfo"]["endCursor"]
    while after:
        more = await gql(
            MARKS, {"student": student, "first": 2, "after": after, "term": term}, as_user="parent"
        )
        page = more["data"]["marks"]
        assert page["pageInfo"]["hasPreviousPage"] is True
        seen += [edge["node"]["id"] for edge in page["edges"]]
        after = page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None
    assert len(seen) == len(set(seen)) == total


async def test_marks_filter_by_subject_and_show_their_lesson(
    gql: GraphQLClient, world: World
) -> None:
    variables = {
        "student": to_base64("Student", world.id("student")),
        "subject": to_base64("Subject", world.id("russian")),
        "first": 10,
    }
    result = await gql(MARKS, variables, as_user="parent")
    nodes = [edge["node"] for edge in result["data"]["marks"]["edges"]]
    assert [(n["value"], n["kind"], n["subject"]["name"]) for n in nodes] == [
        (4, "DICTATION", "Russian")
    ]
    assert nodes[0]["lesson"] == {"topic": "Participles"}
    assert nodes[0]["student"] == {"fullName": "Kuznetsov Ivan"}


async def test_a_teacher_asking_for_another_subject_gets_an_empty_page(
    gql: GraphQLClient, world: World
) -> None:
    variables = {
        "student": to_base64("Student", world.id("student")),
        "subject": to_base64("Subject", world.id("russian")),
        "first": 10,
    }
    result = await gql(MARKS, variables, as_user="math_teacher")
    assert result["data"]["marks"]["edges"] == []
    assert result["data"]["marks"]["totalCount"] == 0


async def test_page_size_and_cursor_are_checked(gql: GraphQLClient, world: World) -> None:
    student = to_base64("Student", world.id("student"))
    for variables in ({"first": 0}, {"first": 101}, {"first": 5, "after": "bm9wZQ"}):
        result = await gql(MARKS, {"student": student, **variables}, as_user="parent")
        # Refused by the limits before running (no data), or by the field (null).
        assert result["data"] in (None, {"marks": None}), result
        assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", result


async def test_term_averages_and_final_marks(gql: GraphQLClient, world: World) -> None:
    query = """
    query($student: ID!, $term: ID!) {
      termAverages(studentId: $student, termId: $term) {
        subject { name } average markCount weightTotal forecast term { number }
      }
      finalMarks(studentId: $student) { subject { name } term { number } value }
    }
    """
    variables = {
        "student": to_base64("Student", world.id("student")),
        "term": to_base64("Term", world.id("term2_A")),
    }
    result = await gql(query, variables, as_user="student")
    assert "errors" not in result, result
    averages = {a["subject"]["name"]: a for a in result["data"]["termAverages"]}
    assert averages["Russian"] == {
        "subject": {"name": "Russian"},
        "average": 4.0,
        "markCount": 1,
        "weightTotal": 1,
        "forecast": 4,
        "term": {"number": 2},
    }
    finals = {
        (m["subject"]["name"], m["term"]["number"]): m["value"]
        for m in result["data"]["finalMarks"]
    }
    assert finals == {("Mathematics", 1): 4, ("Russian", 1): 5}


async def test_class_timetable_shows_changes_and_bells(gql: GraphQLClient, world: World) -> None:
    query = """
    query($id: ID!, $week: Week!) {
      classTimetable(classId: $id, week: $week) {
        week
        days { date lessons { period bell { startsAt } subject { name } status
                              substituteTeacher { fullName } room scheduledRoom
                              homework { text } schoolClass { name } } }
      }
    }
    """
    variables = {"id": to_base64("SchoolClass", world.id("class_7a")), "week": str(WEEK)}
    result = await gql(query, variables, as_user="classmate")
    assert "errors" not in result, result
    monday, tuesday = result["data"]["classTimetable"]["days"][:2]
    assert [x["subject"]["name"] for x in monday["lessons"]] == ["Mathematics", "Russian"]
    assert monday["lessons"][0]["homework"] == [{"text": "No. 312-315"}]
    assert monday["lessons"][1]["status"] == "SUBSTITUTED"
    assert monday["lessons"][1]["substituteTeacher"] == {"fullName": "Sidorov Pavel"}
    assert tuesday["lessons"][0]["bell"] == {"startsAt": "10:30:00"}
    assert {x["schoolClass"]["name"] for x in monday["lessons"]} == {"7A"}


async def test_teacher_timetable_includes_substitutions(gql: GraphQLClient, world: World) -> None:
    query = """
    query($week: Week!) {
      teacherTimetable(week: $week) { days { lessons { subject { name } schoolClass { name } } } }
    }
    """
    result = await gql(query, {"week": str(WEEK)}, as_user="class_teacher")
    lessons = [x for d in result["data"]["teacherTimetable"]["days"] for x in d["lessons"]]
    assert lessons == [{"subject": {"name": "Russian"}, "schoolClass": {"name": "7A"}}]


async def test_teacher_timetable_without_a_week_is_this_weeks(
    gql: GraphQLClient, world: World
) -> None:
    query = """
    query($week: Week) {
      teacherTimetable(week: $week) { week days { lessons { subject { name } } } }
    }
    """
    this_week = await gql(query, {"week": None}, as_user="class_teacher")
    asked = await gql(query, {"week": str(WEEK)}, as_user="class_teacher")
    assert this_week["data"]["teacherTimetable"]["week"] == str(WEEK)  # today is in it
    assert this_week == asked


async def test_bell_schedule(gql: GraphQLClient, world: World) -> None:
    query = "query($id: ID!) { bellSchedule(schoolId: $id) { number startsAt endsAt } }"
    result = await gql(query, {"id": to_base64("School", world.id("school_A"))}, as_user="parent")
    bells = result["data"]["bellSchedule"]
    assert [b["number"] for b in bells] == list(range(1, 8))
    assert bells[0] == {"number": 1, "startsAt": "08:30:00", "endsAt": "09:15:00"}


async def test_viewer_schools_and_student_record(gql: GraphQLClient, world: World) -> None:
    query = (
        "{ viewer { schools { name region { code } } student { fullName schoolClass { name } } } }"
    )
    result = await gql(query, as_user="student")
    viewer = result["data"]["viewer"]
    assert viewer["schools"] == [{"name": "School A", "region": {"code": "r1"}}]
    # Enrolled from 1 September with no end date: the class of today is 7A.
    assert viewer["student"] == {"fullName": "Kuznetsov Ivan", "schoolClass": {"name": "7A"}}
