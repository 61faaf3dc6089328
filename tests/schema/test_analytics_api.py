"""Analytics through GraphQL and the file routes, for a school whose term is under way today.

School Q (region "q"), one term from 40 days ago to 30 days ahead, class 9Q:
  q-student  Mathematics 4, 4, 4 (weight 1)  Russian 5   overall (4 + 5) / 2 = 4.5
  q-mate     Mathematics 5                               overall 5
  q-third    Mathematics 3                   Russian 3   overall 3
Two Mathematics lessons are left after today.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from strawberry.relay import to_base64

from ediary.app import create_app
from ediary.config import Settings
from ediary.domain import models
from ediary.domain.enums import Role
from tests import builders
from tests.conftest import GraphQLClient, nothing_answered
from tests.world import World

TODAY = date.today()
TERM = (TODAY - timedelta(days=40), TODAY + timedelta(days=30))


class Q:
    built: builders.School
    ids: dict[str, str]


@pytest.fixture(scope="module")
async def q(world: World) -> Q:
    found = Q()
    built = found.built = await builders.school(
        "Q", "q", [TERM], subjects=("Mathematics", "Russian")
    )
    homeroom = await builders.person(
        world, "q-homeroom", "Homeroom", "Q", (Role.TEACHER, built.school, None)
    )
    cls = await builders.school_class(built, "9Q", class_teacher=homeroom)
    term = built.terms[0]
    pupils = {}
    for login, last in (("q-student", "Quick"), ("q-mate", "Mate"), ("q-third", "Third")):
        pupils[login] = await builders.student(world, built, cls, login, last, "Q")
    parent = await builders.person(
        world, "q-parent", "Parent", "Q", (Role.PARENT, built.school, None)
    )
    await models.Guardianship.create(parent=parent, student=pupils["q-student"])
    await builders.person(world, "q-admin", "Admin", "Q", (Role.SCHOOL_ADMIN, built.school, None))
    # An account with a parent but no class at all.
    loner = await builders.person(
        world, "q-loner", "Loner", "Q", (Role.STUDENT, built.school, None)
    )
    await models.Guardianship.create(parent=parent, student=loner)

    start = term.starts_on
    for offset, value in ((1, 4), (8, 4), (15, 4)):
        await builders.mark(
            built,
            pupils["q-student"],
            cls,
            "Mathematics",
            term,
            value,
            day=start + timedelta(days=offset),
        )
    await builders.mark(
        built, pupils["q-student"], cls, "Russian", term, 5, day=start + timedelta(days=9)
    )
    await builders.mark(
        built, pupils["q-mate"], cls, "Mathematics", term, 5, day=start + timedelta(days=2)
    )
    await builders.mark(
        built, pupils["q-third"], cls, "Mathematics", term, 3, day=start + timedelta(days=2)
    )
    await builders.mark(
        built, pupils["q-third"], cls, "Russian", term, 3, day=start + timedelta(days=3)
    )
    for offset in (1, 2):
        await builders.lesson(built, cls, "Mathematics", TODAY + timedelta(days=offset))
    found.ids = {
        "student": to_base64("Student", pupils["q-student"].id),
        "loner": to_base64("Student", loner.id),
        "math": to_base64("Subject", built.subjects["Mathematics"].id),
        "term": to_base64("Term", term.id),
        "class": to_base64("SchoolClass", cls.id),
        "school": to_base64("School", built.id),
    }
    return found


def ok(result: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in result, result
    data: dict[str, Any] = result["data"]
    return data


def code(result: dict[str, Any]) -> str:
    assert nothing_answered(result), result
    found: str = result["errors"][0]["extensions"]["code"]
    return found


YEAR = """query($s: ID!) { yearAverages(studentId: $s) {
  subject { name } basis average markCount forecast given
  terms { term { number } average markCount forecast given } } }"""


async def test_year_averages(gql: GraphQLClient, q: Q) -> None:
    data = ok(await gql(YEAR, {"s": q.ids["student"]}, as_user="q-parent"))
    math, russian = data["yearAverages"]
    assert math == {
        "subject": {"name": "Mathematics"},
        "basis": "ALL_MARKS",
        "average": 4.0,
        "markCount": 3,
        "forecast": 4,
        "given": None,
        "terms": [
            {"term": {"number": 1}, "average": 4.0, "markCount": 3, "forecast": 4, "given": None}
        ],
    }
    assert (russian["subject"]["name"], russian["forecast"]) == ("Russian", 5)


FORECAST = """query($s: ID!, $subject: ID!, $target: Int!, $value: Int) {
  markForecast(studentId: $s, subjectId: $subject, target: $target, markValue: $value) {
    average forecast reached reachable remainingLessons summary
    plans { value weight count fits } } }"""


async def test_mark_forecast(gql: GraphQLClient, q: Q) -> None:
    variables = {"s": q.ids["student"], "subject": q.ids["math"], "target": 5}
    data = ok(await gql(FORECAST, variables, as_user="q-student"))["markForecast"]
    # 4, 4, 4: a 5 needs ku >= 3 (see the domain tests): weight 3 once, 2 twice, 1 three times.
    assert data["plans"] == [
        {"value": 5, "weight": 3, "count": 1, "fits": True},
        {"value": 5, "weight": 2, "count": 2, "fits": True},
        {"value": 5, "weight": 1, "count": 3, "fits": False},
    ]
    assert data["summary"] == "one 5 of weight 3, or two 5s of weight 2, or three 5s of weight 1"
    assert (data["average"], data["forecast"], data["remainingLessons"]) == (4.0, 4, 2)
    assert (data["reached"], data["reachable"]) == (False, True)


@pytest.mark.parametrize(("target", "value"), [(6, None), (0, None), (5, 9)])
async def test_mark_forecast_refuses_marks_off_the_scale(
    gql: GraphQLClient, q: Q, target: int, value: int | None
) -> None:
    variables = {"s": q.ids["student"], "subject": q.ids["math"], "target": target, "value": value}
    assert code(await gql(FORECAST, variables, as_user="q-parent")) == "BAD_USER_INPUT"


@pytest.mark.parametrize(
    "query",
    [
        YEAR,
        "query($s: ID!) { progress(studentId: $s) { chartUrl } }",
        "query($s: ID!) { classStanding(studentId: $s) { rank } }",
    ],
)
async def test_a_student_without_a_class_gets_not_enrolled(
    gql: GraphQLClient, q: Q, query: str
) -> None:
    assert code(await gql(query, {"s": q.ids["loner"]}, as_user="q-parent")) == "NOT_ENROLLED"


async def test_forecast_for_a_student_without_a_class(gql: GraphQLClient, q: Q) -> None:
    variables = {"s": q.ids["loner"], "subject": q.ids["math"], "target": 5}
    assert code(await gql(FORECAST, variables, as_user="q-parent")) == "NOT_ENROLLED"


PROGRESS = """query($s: ID!) { progress(studentId: $s) {
  term { number } chartUrl
  subjects { subject { name } points { week weekEnds average weekMarks totalMarks } } } }"""


async def test_progress_and_its_chart(gql: GraphQLClient, q: Q, world: World) -> None:
    data = ok(await gql(PROGRESS, {"s": q.ids["student"]}, as_user="q-parent"))["progress"]
    math = data["subjects"][0]
    assert math["subject"]["name"] == "Mathematics"
    assert [p["totalMarks"] for p in math["points"]] == [1, 2, 3]
    assert {p["average"] for p in math["points"]} == {4.0}
    url = data["chartUrl"]
    assert url.startswith("http://testserver/charts/progress/") and ".svg?term=" in url
    async with gql.http() as client:
        shown = await client.get(
            url, headers={"Authorization": f"Bearer {world.tokens['q-parent']}"}
        )
        assert shown.status_code == 200, shown.text
        assert shown.headers["content-type"] == "image/svg+xml"
        root = ET.fromstring(shown.content)
        assert root.tag == "{http://www.w3.org/2000/svg}svg"
        texts = " ".join(t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert "Mathematics" in texts and "Russian" in texts
        assert (await client.get(url)).status_code == 401
        hidden = await client.get(
            url, headers={"Authorization": f"Bearer {world.tokens['parent']}"}
        )
        assert (hidden.status_code, hidden.json()["code"]) == (404, "NOT_FOUND")
        for bad in ("/charts/progress/nonsense.svg", f"/charts/progress/{q.ids['math']}.svg"):
            wrong = await client.get(
                bad, headers={"Authorization": f"Bearer {world.tokens['q-parent']}"}
            )
            assert wrong.status_code == 404


def _chart_texts(svg: bytes) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text")]


def _weeks_left(today: date) -> int:
    """Weeks begun after the schools' `today` until the end of TERM."""
    return -(-(TERM[1] - today).days // 7)


async def test_the_chart_of_one_subject_beside_the_class_average_where_shown(
    gql: GraphQLClient, q: Q, world: World, settings: Settings
) -> None:
    today = settings.school_today()
    data = ok(await gql(PROGRESS, {"s": q.ids["student"]}, as_user="q-parent"))["progress"]
    url = data["chartUrl"] + f"&subject={q.ids['math']}"

    async def chart(login: str) -> bytes:
        async with gql.http() as client:
            shown = await client.get(
                url, headers={"Authorization": f"Bearer {world.tokens[login]}"}
            )
        assert shown.status_code == 200, shown.text
        assert shown.headers["content-type"] == "image/svg+xml"
        return shown.content

    family = await chart("q-parent")
    root = ET.fromstring(family)
    assert root.get("role") == "img"
    texts = _chart_texts(family)
    # Mathematics alone, larger, and the weeks left in the term.
    left = _weeks_left(today)
    assert "Mathematics  4.00" in texts
    assert texts[-1] == "Quick Q, Mathematics: term 1"
    assert not any("Russian" in text for text in texts)
    assert f"{left} weeks left" in texts
    desc = root.find("{http://www.w3.org/2000/svg}desc")
    assert desc is not None and desc.text is not None
    assert desc.text.endswith(f"(3 marks). {left} weeks left in the term.")
    # The school does not show the class rating: no class average to the family...
    assert not any("class" in text.lower() for text in texts)
    # ...while the class teacher compares: (4 + 5 + 3) / 3 = 4 over the three students.
    staff = _chart_texts(await chart("q-homeroom"))
    assert "Mathematics  4.00 (class 4.00)" in staff
    assert "Average" in staff and "Class average" in staff
    await models.School.filter(id=q.built.id).update(show_class_rating=True)
    try:
        assert "Mathematics  4.00 (class 4.00)" in _chart_texts(await chart("q-parent"))
    finally:
        await models.School.filter(id=q.built.id).update(show_class_rating=False)

    # All subjects: a small chart each, titled with its average.
    async with gql.http() as client:
        both = await client.get(
            data["chartUrl"], headers={"Authorization": f"Bearer {world.tokens['q-parent']}"}
        )
    assert {"Mathematics  4.00", "Russian  5.00"} <= set(_chart_texts(both.content))


async def test_the_chart_of_a_subject_without_marks_or_not_a_subject_is_not_found(
    gql: GraphQLClient, q: Q, world: World
) -> None:
    data = ok(await gql(PROGRESS, {"s": q.ids["student"]}, as_user="q-parent"))["progress"]
    ours = [subject.id for subject in q.built.subjects.values()]
    other = await models.Subject.exclude(id__in=ours).first()
    assert other is not None
    headers = {"Authorization": f"Bearer {world.tokens['q-parent']}"}
    async with gql.http() as client:
        for subject in (to_base64("Subject", other.id), q.ids["class"], "nonsense"):
            found = await client.get(data["chartUrl"] + f"&subject={subject}", headers=headers)
            assert (found.status_code, found.json()["code"]) == (404, "NOT_FOUND"), subject
        # The same answer as for a student the viewer may not see: nothing tells them apart.
        hidden = await client.get(
            data["chartUrl"] + f"&subject={q.ids['math']}",
            headers={"Authorization": f"Bearer {world.tokens['parent']}"},
        )
        assert (hidden.status_code, hidden.json()["code"]) == (404, "NOT_FOUND")


async def test_progress_says_the_weeks_left_from_the_schools_today(
    gql: GraphQLClient, q: Q, settings: Settings
) -> None:
    today = settings.school_today()
    query = "query($s: ID!) { progress(studentId: $s) { asOf weeksLeft term { endsOn } } }"
    data = ok(await gql(query, {"s": q.ids["student"]}, as_user="q-parent"))["progress"]
    # The schools' today, not the machine's (tests/domain/test_progress_chart.py has the cases).
    assert data["asOf"] == today.isoformat() and data["term"]["endsOn"] == TERM[1].isoformat()
    assert data["weeksLeft"] == _weeks_left(today) > 1


async def test_chart_of_the_world_student_is_valid_svg(gql: GraphQLClient, world: World) -> None:
    student = to_base64("Student", world.id("student"))
    term = to_base64("Term", world.id("term2_A"))
    async with gql.http() as client:
        shown = await client.get(
            f"/charts/progress/{student}.svg",
            params={"term": term},
            headers={"Authorization": f"Bearer {world.tokens['parent']}"},
        )
    assert shown.status_code == 200, shown.text
    assert ET.fromstring(shown.content).tag.endswith("svg")


STANDING = """query($s: ID!) { classStanding(studentId: $s) {
  shown average rank rankedStudents schoolClass { name }
  subjects { subject { name } average classAverage classStudents } } }"""


async def test_class_standing_is_shown_to_the_family_only_when_the_school_allows(
    gql: GraphQLClient, q: Q
) -> None:
    hidden = ok(await gql(STANDING, {"s": q.ids["student"]}, as_user="q-parent"))["classStanding"]
    assert (hidden["shown"], hidden["rank"], hidden["average"]) == (False, None, 4.5)
    assert [s["classAverage"] for s in hidden["subjects"]] == [None, None]
    staff = ok(await gql(STANDING, {"s": q.ids["student"]}, as_user="q-homeroom"))["classStanding"]
    # Overall averages 4.5, 5 and 3: second of three. Class averages: Mathematics
    # (4 + 5 + 3) / 3 = 4, Russian (5 + 3) / 2 = 4.
    assert (staff["shown"], staff["rank"], staff["rankedStudents"]) == (True, 2, 3)
    assert staff["subjects"] == [
        {
            "subject": {"name": "Mathematics"},
            "average": 4.0,
            "classAverage": 4.0,
            "classStudents": 3,
        },
        {"subject": {"name": "Russian"}, "average": 5.0, "classAverage": 4.0, "classStudents": 2},
    ]
    await models.School.filter(id=q.built.id).update(show_class_rating=True)
    try:
        family = ok(await gql(STANDING, {"s": q.ids["student"]}, as_user="q-student"))
        assert family["classStanding"] == staff
    finally:
        await models.School.filter(id=q.built.id).update(show_class_rating=False)
    other = await gql(STANDING, {"s": q.ids["student"]}, as_user="math_teacher")
    assert code(other) == "NOT_FOUND"


async def test_a_subject_teacher_gets_no_place_in_class(gql: GraphQLClient, world: World) -> None:
    student = to_base64("Student", world.id("student"))
    data = ok(await gql(STANDING, {"s": student}, as_user="math_teacher"))["classStanding"]
    assert (data["shown"], data["rank"]) == (True, None)
    assert [s["subject"]["name"] for s in data["subjects"]] == ["Mathematics"]


REPORTS = """query($class: ID!, $school: ID!, $term: ID) {
  classReport(classId: $class, termId: $term) {
    schoolClass { name } students csvUrl
    overall { students averageMark successRate quality sou distribution { mark count } }
    attendance { absences unexcused late }
    atRisk { student { fullName } subjects { subject { name } mark given } } }
  schoolReport(schoolId: $school, termId: $term) {
    students xlsxUrl csvUrl classes { schoolClass { name } }
    subjects { subject { name } indicators { students successRate } } } }"""


async def test_reports_and_their_files(gql: GraphQLClient, q: Q, world: World) -> None:
    variables = {"class": q.ids["class"], "school": q.ids["school"], "term": None}
    data = ok(await gql(REPORTS, variables, as_user="q-admin"))
    report = data["classReport"]
    # Term marks: q-student 4 and 5, q-mate 5, q-third 3 and 3. Lowest 4, 5, 3: success 3/3,
    # quality 2/3; SOU (0.64 + 1 + 1 + 0.36 + 0.36) / 5 = 67.2%.
    assert report["overall"] == {
        "students": 3,
        "averageMark": 4.0,
        "successRate": 100.0,
        "quality": 66.67,
        "sou": 67.2,
        "distribution": [
            {"mark": 5, "count": 2},
            {"mark": 4, "count": 1},
            {"mark": 3, "count": 2},
            {"mark": 2, "count": 0},
            {"mark": 1, "count": 0},
        ],
    }
    assert report["atRisk"] == []
    school = data["schoolReport"]
    assert (school["students"], school["classes"]) == (3, [{"schoolClass": {"name": "9Q"}}])
    headers = {"Authorization": f"Bearer {world.tokens['q-admin']}"}
    async with gql.http() as client:
        csv_file = await client.get(report["csvUrl"], headers=headers)
        assert csv_file.status_code == 200
        assert csv_file.headers["content-type"] == "text/csv; charset=utf-8"
        assert 'filename="report-9Q-term1.csv"' in csv_file.headers["content-disposition"]
        assert csv_file.content.decode("utf-8-sig").startswith("class,subject,students,")
        book = await client.get(school["xlsxUrl"], headers=headers)
        assert book.status_code == 200 and book.content[:2] == b"PK"
        assert (await client.get(school["csvUrl"])).status_code == 401
        parent = {"Authorization": f"Bearer {world.tokens['q-parent']}"}
        assert (await client.get(school["csvUrl"], headers=parent)).status_code == 404


REGIONAL = """query($year: String!, $n: Int!) {
  regionalReport(regionCode: "r1", academicYear: $year, termNumber: $n) {
    regionCode minGroup schools { school { name } term { number } suppressed students atRiskStudents
      attendance { absences } overall { suppressed students successRate }
      subjects { name indicators { suppressed students } } } } }"""


async def test_regional_report_threshold_comes_from_the_settings(
    gql: GraphQLClient, world: World, settings: Settings
) -> None:
    variables = {"year": "2026/2027", "n": 2}

    async def school_a(min_group: int) -> dict[str, Any]:
        client = GraphQLClient(
            create_app(replace(settings, report_min_group=min_group), manage_database=False),
            world,
        )
        report = ok(await client(REGIONAL, variables, as_user="official"))["regionalReport"]
        assert report["minGroup"] == min_group
        # Other tests add schools to the region and students to School A: look at School A,
        # and set the threshold around however many students it has by now.
        return next(s for s in report["schools"] if s["school"]["name"] == "School A")

    shown = await school_a(2)
    enrolled = shown["students"]
    assert shown["suppressed"] is False and enrolled >= 3
    assert shown["overall"]["suppressed"] is False
    assert shown["overall"]["students"] >= 2
    withheld = await school_a(enrolled + 1)
    assert withheld == {
        "school": {"name": "School A"},
        "term": {"number": 2},
        "suppressed": True,
        "students": None,
        "atRiskStudents": None,
        "attendance": None,
        "overall": {"suppressed": True, "students": None, "successRate": None},
        "subjects": [],
    }
    assert ok(await gql(REGIONAL, variables, as_user="official"))["regionalReport"]["minGroup"] == 5
    no_term = ok(await gql(REGIONAL, {"year": "1999/2000", "n": 2}, as_user="official"))
    assert no_term["regionalReport"]["schools"][0]["term"] is None


def test_report_min_group_setting() -> None:
    assert Settings.from_env({}).report_min_group == 5
    assert Settings.from_env({"EDIARY_REPORT_MIN_GROUP": "10"}).report_min_group == 10
    with pytest.raises(ValueError, match="EDIARY_REPORT_MIN_GROUP"):
        Settings.from_env({"EDIARY_REPORT_MIN_GROUP": "0"})
