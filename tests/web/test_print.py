"""Paper copies: diary weeks and report cards as PDF, read back as text and drawn as images."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pypdfium2
import pytest
from strawberry.relay import to_base64
from tortoise.transactions import in_transaction

from ediary.db import count_statements
from ediary.domain import budget, models
from ediary.domain.access import Viewer
from ediary.domain.enums import AttendanceKind, RemarkKind, Role, WorkKind
from ediary.domain.grading import DEFAULT_POLICY
from ediary.domain.journal.history import record_imported
from ediary.domain.paper import class_report_cards, class_week_pages
from ediary.domain.term_remarks import set_term_remark
from ediary.domain.weeks import IsoWeek
from tests import builders
from tests.conftest import TODAY, GraphQLClient
from tests.pdf import embedded_fonts, page_lines, page_texts
from tests.world import World

TERMS = [(date(2026, 9, 1), date(2026, 10, 24)), (date(2026, 11, 3), date(2026, 12, 28))]
WEEK = "2026-W48"
MONDAY = date(2026, 11, 23)


@dataclass
class P:
    built: builders.School
    other: builders.School
    ids: dict[str, str] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)


async def _mark(
    built: builders.School, who: models.User, lesson: models.Lesson, value: int
) -> None:
    assert built.teacher is not None
    async with in_transaction() as conn:
        made = await models.Mark.create(
            student=who,
            school_class_id=lesson.school_class_id,
            subject_id=lesson.subject_id,
            term=built.terms[1],
            lesson=lesson,
            date=lesson.date,
            value=value,
            weight=1,
            kind=WorkKind.ORAL,
            author=built.teacher,
            using_db=conn,
        )
        await record_imported(conn, [made])


@pytest.fixture(scope="module")
async def p(world: World) -> P:
    built = await builders.school("П", "p", TERMS, subjects=("Математика", "Русский язык"))
    other = await builders.school("Z", "pz", TERMS, subjects=("Математика",))
    found = P(built, other)
    school, teacher = built.school, (Role.TEACHER, built.school, None)
    homeroom = await builders.person(world, "p-homeroom", "Сидоров", "Павел", teacher)
    await builders.person(world, "p-teacher", "Орлова", "Анна", teacher)
    await builders.person(world, "p-admin", "Смирнова", "Елена", (Role.SCHOOL_ADMIN, school, None))
    await builders.person(
        world, "p-other-admin", "Козлов", "Олег", (Role.SCHOOL_ADMIN, other.school, None)
    )
    await builders.person(
        world, "p-other-teacher", "Лебедев", "Илья", (Role.TEACHER, other.school, None)
    )
    cls = await builders.school_class(built, "7Б", class_teacher=homeroom)
    side = await builders.school_class(built, "7В")
    other_cls = await builders.school_class(other, "5А")
    pupil = await builders.student(world, built, cls, "p-student", "Кузнецов", "Иван")
    mate = await builders.student(world, built, cls, "p-mate", "Попова", "Мария")
    await builders.student(world, built, side, "p-side", "Соколов", "Артём")
    await builders.student(world, other, other_cls, "p-far", "Новикова", "Дарья")
    parent = await builders.person(
        world, "p-parent", "Кузнецова", "Наталья", (Role.PARENT, school, None)
    )
    await models.Guardianship.create(parent=parent, student=pupil)
    mate_parent = await builders.person(
        world, "p-mate-parent", "Попов", "Сергей", (Role.PARENT, school, None)
    )
    await models.Guardianship.create(parent=mate_parent, student=mate)

    assert built.teacher is not None
    maths = await builders.lesson(built, cls, "Математика", MONDAY, 1)
    russian = await builders.lesson(built, cls, "Русский язык", MONDAY + timedelta(days=1), 2)
    maths_wed = await builders.lesson(built, cls, "Математика", MONDAY + timedelta(days=2), 1)
    await models.Homework.create(
        lesson=maths,
        text="Задачи № 312–315",
        due_on=MONDAY + timedelta(days=2),
        author=built.teacher,
    )
    await _mark(built, pupil, maths, 5)
    await _mark(built, pupil, russian, 4)
    await _mark(built, mate, maths, 3)
    await models.Attendance.create(
        lesson=russian,
        date=russian.date,
        student=pupil,
        kind=AttendanceKind.ABSENT,
        excused=True,
        reason="болел",
        recorded_by=built.teacher,
    )
    await models.Attendance.create(
        lesson=maths_wed,
        date=maths_wed.date,
        student=pupil,
        kind=AttendanceKind.ABSENT,
        recorded_by=built.teacher,
    )
    await models.Remark.create(
        lesson=maths,
        student=pupil,
        kind=RemarkKind.PRAISE,
        text="Отвечал у доски",
        author=built.teacher,
    )
    await builders.final_mark(built, pupil, "Математика", built.terms[1], 5)
    await builders.final_mark(built, pupil, "Математика", None, 5)
    found.ids = {
        "student": to_base64("Student", pupil.id),
        "mate": to_base64("Student", mate.id),
        "class": to_base64("SchoolClass", cls.id),
        "other_class": to_base64("SchoolClass", other_cls.id),
        "term": to_base64("Term", built.terms[1].id),
        "other_term": to_base64("Term", other.terms[1].id),
    }
    found.objects = {"class": cls, "term": built.terms[1], "homeroom": homeroom}
    return found


def _inked(body: bytes) -> list[float]:
    """The share of non-white pixels of each page, drawn at 50 dpi."""
    document = pypdfium2.PdfDocument(body)
    shares = []
    for index in range(len(document)):
        image = document[index].render(scale=50 / 72).to_pil().convert("L")
        histogram = image.histogram()
        shares.append(sum(histogram[:200]) / sum(histogram))
    document.close()
    return shares


async def _get(gql: GraphQLClient, world: World, path: str, who: str | None, **params: str) -> Any:
    headers = {"Authorization": f"Bearer {world.tokens[who]}"} if who else {}
    async with gql.http() as client:
        return await client.get(path, params=params, headers=headers)


async def test_a_parent_prints_the_week_as_the_diary_shows_it(
    gql: GraphQLClient, world: World, p: P
) -> None:
    answer = await _get(
        gql, world, "/print/week.pdf", "p-parent", student=p.ids["student"], week=WEEK
    )
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["cache-control"] == "private, no-store"
    [page] = page_texts(answer.content)
    [lines] = page_lines(answer.content)
    for expected in (
        "Дневник",
        "Кузнецов Иван",
        "7Б",
        "Понедельник, 23.11.2026",
        "Математика",
        "Русский язык",
        "Задачи № 312–315",
        "Отвечал у доски",
        "н (уваж.)",
    ):
        assert expected in page, (expected, page)
    # Each lesson a row: its homework, the child's marks, attendance and remarks.
    rows = {" ".join(line.split()) for line in lines}
    assert "1 Математика Задачи № 312–315 5 Отвечал у доски" in rows, rows
    assert "2 Русский язык 4 н (уваж.)" in rows and "1 Математика н" in rows, rows
    assert "Математика: 5.00; Русский язык: 4.00" in rows, rows
    assert "Попова" not in page
    fonts = embedded_fonts(answer.content)
    # Subsets of the regular and the bold DejaVu Sans ("ABCDEF+DejaVuSans..."), both embedded.
    assert len(fonts) == 2 and all("+DejaVuSans" in name for name in fonts), fonts
    assert any("Bold" in name for name in fonts), fonts
    [ink] = _inked(answer.content)
    assert ink > 0.01


async def test_english_labels_on_request(gql: GraphQLClient, world: World, p: P) -> None:
    answer = await _get(
        gql, world, "/print/week.pdf", "p-student", student=p.ids["student"], week=WEEK, lang="en"
    )
    assert answer.status_code == 200, answer.text
    [page] = page_texts(answer.content)
    assert "Diary" in page and "Homework" in page and "Кузнецов Иван" in page


async def test_a_parent_prints_the_report_card(gql: GraphQLClient, world: World, p: P) -> None:
    answer = await _get(
        gql,
        world,
        "/print/report-card.pdf",
        "p-parent",
        student=p.ids["student"],
        term=p.ids["term"],
    )
    assert answer.status_code == 200, answer.text
    [page] = page_texts(answer.content)
    assert "Табель успеваемости" in page and "Кузнецов Иван" in page
    [lines] = page_lines(answer.content)
    # Mathematics: given term mark 5, year mark 5, one lesson missed, not excused.
    assert any(line.split() == ["Математика", "5", "5", "1", "0", "0"] for line in lines), lines
    # Russian: no mark given, the forecast from the average (4) in brackets; one excused.
    assert any(line.split() == ["Русский", "язык", "(4)", "1", "1", "0"] for line in lines), lines
    assert any(line.split() == ["Итого", "2", "1", "0"] for line in lines), lines
    assert _inked(answer.content)[0] > 0.01


async def test_a_subject_teacher_prints_only_their_subject_on_the_report_card(
    gql: GraphQLClient, world: World, p: P
) -> None:
    maths_teacher = await builders.person(
        world, "p-maths", "Белова", "Ольга", (Role.TEACHER, p.built.school, None)
    )
    await models.TeachingAssignment.create(
        teacher=maths_teacher,
        school_class=p.objects["class"],
        subject=p.built.subjects["Математика"],
    )
    answer = await _get(
        gql,
        world,
        "/print/report-card.pdf",
        "p-maths",
        student=p.ids["student"],
        term=p.ids["term"],
    )
    assert answer.status_code == 200, answer.text
    [page] = page_texts(answer.content)
    assert "Математика" in page and "Русский язык" not in page
    answer = await _get(gql, world, f"/print/class/{p.ids['class']}/report-card.pdf", "p-maths")
    assert (answer.status_code, answer.json()["code"]) == (404, "NOT_FOUND")


async def test_the_class_teacher_prints_the_class_a_student_a_page(
    gql: GraphQLClient, world: World, p: P
) -> None:
    path = f"/print/class/{p.ids['class']}"
    weeks = await _get(gql, world, f"{path}/week.pdf", "p-homeroom", week=WEEK)
    assert weeks.status_code == 200, weeks.text
    pages = page_texts(weeks.content)
    assert len(pages) == 2
    assert "Кузнецов Иван" in pages[0] and "Отвечал у доски" in pages[0]
    assert "Попова Мария" in pages[1] and "Кузнецов" not in pages[1]
    assert all(ink > 0.01 for ink in _inked(weeks.content))
    cards = await _get(gql, world, f"{path}/report-card.pdf", "p-homeroom", term=p.ids["term"])
    assert cards.status_code == 200, cards.text
    pages = page_texts(cards.content)
    assert len(pages) == 2 and len(_inked(cards.content)) == 2
    assert "Табель успеваемости" in pages[0] and "Кузнецов Иван" in pages[0]
    assert "Попова Мария" in pages[1] and "(3)" in pages[1]


SET_REMARK = """mutation($s: ID!, $t: ID!, $text: String!) {
  setTermRemark(input: {studentId: $s, termId: $t, text: $text}) {
    remark { text createdAt updatedAt author { shortName } term { number } }
    userErrors { code field message } } }"""
READ_REMARK = """query($s: ID!, $t: ID) { termRemark(studentId: $s, termId: $t) {
  text author { shortName } term { number } } }"""
PUPIL_REMARK = "Старателен, много читает; стоит чаще отвечать у доски."
MATE_REMARK = "Аккуратна и внимательна."


async def _set_remark(
    gql: GraphQLClient, p: P, who: str, student: str, text: str, term: str = "term"
) -> dict[str, Any]:
    result = await gql(
        SET_REMARK,
        {"s": p.ids.get(student, student), "t": p.ids.get(term, term), "text": text},
        as_user=who,
    )
    assert "errors" not in result, result
    payload: dict[str, Any] = result["data"]["setTermRemark"]
    return payload


async def _maths_teacher(world: World, p: P) -> None:
    """A teacher of mathematics in the class, who sees that subject of the card only."""
    if "p-remark-maths" in world.tokens:
        return
    teacher = await builders.person(
        world, "p-remark-maths", "Зайцева", "Вера", (Role.TEACHER, p.built.school, None)
    )
    await models.TeachingAssignment.create(
        teacher=teacher, school_class=p.objects["class"], subject=p.built.subjects["Математика"]
    )


async def _remark_texts(p: P) -> list[tuple[int, str]]:
    """The remarks of this module's school: other tests share the database and write their
    own elsewhere."""
    found = (
        await models.TermRemark.filter(school_class__school_id=p.built.school.id)
        .order_by("student_id")
        .values_list("student_id", "text")
    )
    return [(student, text) for student, text in found]


async def test_the_class_teacher_writes_the_term_remark_and_the_parent_prints_it(
    gql: GraphQLClient, world: World, p: P
) -> None:
    # Spaces around are trimmed; the class teacher is the author.
    set_ = await _set_remark(gql, p, "p-homeroom", "student", f"  {PUPIL_REMARK}\n")
    assert set_["userErrors"] == [], set_
    remark = set_["remark"]
    assert remark["text"] == PUPIL_REMARK and remark["term"] == {"number": 2}
    assert remark["author"] == {"shortName": "Сидоров П."}
    read = await gql(READ_REMARK, {"s": p.ids["student"], "t": p.ids["term"]}, as_user="p-parent")
    assert read["data"]["termRemark"]["text"] == PUPIL_REMARK, read
    # Without a term, the current one.
    read = await gql(READ_REMARK, {"s": p.ids["student"]}, as_user="p-student")
    assert read["data"]["termRemark"]["text"] == PUPIL_REMARK, read

    answer = await _get(
        gql,
        world,
        "/print/report-card.pdf",
        "p-parent",
        student=p.ids["student"],
        term=p.ids["term"],
    )
    assert answer.status_code == 200, answer.text
    [page] = page_texts(answer.content)
    assert f"Отзыв классного руководителя {PUPIL_REMARK}" in page, page
    # Still Cyrillic through the embedded DejaVu Sans only.
    assert all("+DejaVuSans" in name for name in embedded_fonts(answer.content))

    # Written over by the next one: still one remark, now the administration's.
    again = await _set_remark(gql, p, "p-admin", "student", PUPIL_REMARK)
    assert again["userErrors"] == [] and again["remark"]["author"] == {"shortName": "Смирнова Е."}
    assert again["remark"]["createdAt"] == remark["createdAt"]
    pupil = await models.User.get(login="p-student")
    assert await _remark_texts(p) == [(pupil.id, PUPIL_REMARK)]


async def test_the_class_file_prints_each_students_remark_on_their_card(
    gql: GraphQLClient, world: World, p: P
) -> None:
    await _set_remark(gql, p, "p-homeroom", "student", PUPIL_REMARK)
    assert (await _set_remark(gql, p, "p-homeroom", "mate", MATE_REMARK))["userErrors"] == []
    path = f"/print/class/{p.ids['class']}/report-card.pdf"
    cards = await _get(gql, world, path, "p-homeroom", term=p.ids["term"])
    assert cards.status_code == 200, cards.text
    first, second = page_texts(cards.content)
    assert "Кузнецов Иван" in first and PUPIL_REMARK in first and MATE_REMARK not in first
    assert "Попова Мария" in second and MATE_REMARK in second and PUPIL_REMARK not in second

    # An empty text removes the remark: the card prints no heading for it.
    removed = await _set_remark(gql, p, "p-homeroom", "mate", "   ")
    assert removed == {"remark": None, "userErrors": []}
    cards = await _get(gql, world, path, "p-homeroom", term=p.ids["term"])
    first, second = page_texts(cards.content)
    assert "Отзыв классного руководителя" in first
    assert "Отзыв классного руководителя" not in second and MATE_REMARK not in second
    read = await gql(READ_REMARK, {"s": p.ids["mate"], "t": p.ids["term"]}, as_user="p-homeroom")
    assert read == {"data": {"termRemark": None}}, read


async def test_a_subject_teacher_and_another_family_do_not_read_the_remark(
    gql: GraphQLClient, world: World, p: P
) -> None:
    await _set_remark(gql, p, "p-homeroom", "student", PUPIL_REMARK)
    await _maths_teacher(world, p)
    answer = await _get(
        gql,
        world,
        "/print/report-card.pdf",
        "p-remark-maths",
        student=p.ids["student"],
        term=p.ids["term"],
    )
    assert answer.status_code == 200, answer.text
    [page] = page_texts(answer.content)
    assert "Математика" in page and PUPIL_REMARK not in page
    for who in ("p-remark-maths", "p-mate-parent", "p-other-admin"):
        read = await gql(READ_REMARK, {"s": p.ids["student"], "t": p.ids["term"]}, as_user=who)
        assert read["data"] == {"termRemark": None}, (who, read)
        assert [e["extensions"]["code"] for e in read["errors"]] == ["NOT_FOUND"], (who, read)
    answer = await _get(
        gql,
        world,
        "/print/report-card.pdf",
        "p-mate-parent",
        student=p.ids["student"],
        term=p.ids["term"],
    )
    assert (answer.status_code, answer.json()["code"]) == (404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("who", "student", "term", "text", "code", "field"),
    [
        # Seen, but not theirs to write: the family and a teacher of the class.
        ("p-parent", "student", "term", "Хорошо", "FORBIDDEN", None),
        ("p-student", "student", "term", "Хорошо", "FORBIDDEN", None),
        ("p-remark-maths", "student", "term", "Хорошо", "FORBIDDEN", None),
        # Not seen at all: another class's teacher, another school's student and staff.
        ("p-side-homeroom", "student", "term", "Хорошо", "NOT_FOUND", None),
        ("p-homeroom", "far", "term", "Хорошо", "NOT_FOUND", None),
        ("p-other-admin", "student", "term", "Хорошо", "NOT_FOUND", None),
        ("p-mate-parent", "student", "term", "Хорошо", "NOT_FOUND", None),
        # A term the student did not spend in the class, or no term at all.
        ("p-homeroom", "student", "other_term", "Хорошо", "NOT_FOUND", None),
        ("p-homeroom", "student", "unknown_term", "Хорошо", "NOT_FOUND", None),
        ("p-homeroom", "student", "class", "Хорошо", "NOT_FOUND", ["input", "termId"]),
        ("p-homeroom", "student", "term", "ж" * 1001, "BAD_USER_INPUT", ["input", "text"]),
    ],
)
async def test_a_refused_remark_changes_nothing(
    gql: GraphQLClient,
    world: World,
    p: P,
    who: str,
    student: str,
    term: str,
    text: str,
    code: str,
    field: list[str] | None,
) -> None:
    if "p-side-homeroom" not in world.tokens:
        side_homeroom = await builders.person(
            world, "p-side-homeroom", "Фёдоров", "Глеб", (Role.TEACHER, p.built.school, None)
        )
        await models.SchoolClass.filter(id=p.built.classes["7В"].id).update(
            class_teacher=side_homeroom
        )
    await _maths_teacher(world, p)
    if "far" not in p.ids:
        far = await models.User.get(login="p-far")
        p.ids["far"] = to_base64("Student", far.id)
        p.ids["unknown_term"] = to_base64("Term", 10**8)
    await _set_remark(gql, p, "p-homeroom", "student", PUPIL_REMARK)
    before = await _remark_texts(p)
    refused = await _set_remark(gql, p, who, student, text, term)
    assert refused["remark"] is None
    [error] = refused["userErrors"]
    assert (error["code"], error["field"]) == (code, field), refused
    assert error["message"]
    assert await _remark_texts(p) == before


async def test_two_remarks_written_at_once_leave_one(world: World, p: P) -> None:
    cls, term = p.objects["class"], p.objects["term"]
    viewer = Viewer(
        user_id=p.objects["homeroom"].id,
        homerooms=frozenset({cls.id}),
        schools=frozenset({cls.school_id}),
    )
    mate = await models.User.get(login="p-mate")
    await models.TermRemark.filter(student_id=mate.id).delete()
    texts = ("Первый отзыв", "Второй отзыв")
    saved = await asyncio.gather(
        *(set_term_remark(viewer, mate.id, term.id, text, TODAY) for text in texts)
    )
    assert all(remark is not None for remark in saved)
    [(student, text)] = await models.TermRemark.filter(student_id=mate.id).values_list(
        "student_id", "text"
    )
    assert student == mate.id and text in texts
    await models.TermRemark.filter(student_id=mate.id).delete()


# (route, query) for each route, a student of the class and the class itself.
def _routes(p: P) -> dict[str, tuple[str, dict[str, str]]]:
    path = f"/print/class/{p.ids['class']}"
    return {
        "week": ("/print/week.pdf", {"student": p.ids["student"], "week": WEEK}),
        "card": ("/print/report-card.pdf", {"student": p.ids["student"], "term": p.ids["term"]}),
        "class-week": (f"{path}/week.pdf", {"week": WEEK}),
        "class-card": (f"{path}/report-card.pdf", {"term": p.ids["term"]}),
    }


# Who gets what: 200 or the error code, for each route.
MATRIX = {
    "p-parent": ("200", "200", "NOT_FOUND", "NOT_FOUND"),
    "p-mate-parent": ("NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"),
    "p-student": ("200", "200", "NOT_FOUND", "NOT_FOUND"),
    "p-mate": ("NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"),
    "p-homeroom": ("200", "200", "200", "200"),
    "p-teacher": ("NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"),
    "p-admin": ("200", "200", "200", "200"),
    "p-other-admin": ("NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"),
    "p-other-teacher": ("NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"),
    None: ("UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED", "UNAUTHENTICATED"),
}


@pytest.mark.parametrize("who", list(MATRIX), ids=lambda who: who or "anonymous")
async def test_who_may_print_what(gql: GraphQLClient, world: World, p: P, who: str | None) -> None:
    got = []
    for path, params in _routes(p).values():
        answer = await _get(gql, world, path, who, **params)
        got.append("200" if answer.status_code == 200 else answer.json()["code"])
        if answer.status_code == 200:
            assert answer.content.startswith(b"%PDF-")
    assert tuple(got) == MATRIX[who]


@pytest.mark.parametrize(
    ("route", "params", "status", "code"),
    [
        ("week", {"week": "2026-48"}, 400, "BAD_USER_INPUT"),
        ("week", {"week": "2026-W54"}, 400, "BAD_USER_INPUT"),
        ("class-week", {"week": "next"}, 400, "BAD_USER_INPUT"),
        ("week", {"lang": "de"}, 400, "BAD_USER_INPUT"),
        ("week", {"student": "nonsense"}, 404, "NOT_FOUND"),
        ("card", {"term": "nonsense"}, 404, "NOT_FOUND"),
        ("card", {"term": "other_term"}, 404, "NOT_FOUND"),
        ("class-card", {"term": "other_term"}, 404, "NOT_FOUND"),
        ("class-card", {"term": "student"}, 404, "NOT_FOUND"),
    ],
)
async def test_bad_requests_are_refused_with_a_code(
    gql: GraphQLClient,
    world: World,
    p: P,
    route: str,
    params: dict[str, str],
    status: int,
    code: str,
) -> None:
    path, query = _routes(p)[route]
    query = {**query, **{k: p.ids.get(v, v) for k, v in params.items()}}
    answer = await _get(gql, world, path, "p-homeroom", **query)
    assert (answer.status_code, answer.json()["code"]) == (status, code), answer.text
    assert answer.json()["message"]


async def test_a_class_of_another_school_is_not_found(
    gql: GraphQLClient, world: World, p: P
) -> None:
    for name in ("week.pdf", "report-card.pdf"):
        answer = await _get(
            gql, world, f"/print/class/{p.ids['other_class']}/{name}", "p-admin", week=WEEK
        )
        assert (answer.status_code, answer.json()["code"]) == (404, "NOT_FOUND")


async def test_graphql_hands_out_the_addresses(gql: GraphQLClient, world: World, p: P) -> None:
    result = await gql(
        """query($s: ID!, $c: ID!, $t: ID!) {
          diary(studentId: $s, week: "2026-W48") { printUrl }
          classReport(classId: $c, termId: $t) { reportCardsPdfUrl } }""",
        {"s": p.ids["student"], "c": p.ids["class"], "t": p.ids["term"]},
        as_user="p-homeroom",
    )
    assert "errors" not in result, result
    data = result["data"]
    week_url = data["diary"]["printUrl"]
    cards_url = data["classReport"]["reportCardsPdfUrl"]
    assert week_url.startswith("http://testserver/print/week.pdf?")
    assert cards_url.startswith("http://testserver/print/class/")
    headers = {"Authorization": f"Bearer {world.tokens['p-homeroom']}"}
    async with gql.http() as client:
        for url in (week_url, cards_url):
            answer = await client.get(url, headers=headers)
            assert answer.status_code == 200, answer.text


async def test_the_class_report_cards_cost_the_same_statements_for_any_class_size(
    world: World, p: P
) -> None:
    cls, term = p.objects["class"], p.objects["term"]
    viewer = Viewer(user_id=p.objects["homeroom"].id, homerooms=frozenset({cls.id}))

    async def cost() -> tuple[int, int]:
        with count_statements() as count:
            cards = await class_report_cards(
                viewer, cls.id, term.id, lambda region: DEFAULT_POLICY, TODAY
            )
        return count.value, len(cards)

    small, students = await cost()
    viewer_user = p.objects["homeroom"]
    grown = p.built
    for n in range(5):
        who = await builders.student(None, grown, cls, f"p-grow-{n}", "Рост", str(n))
        lesson = await builders.lesson(grown, cls, "Русский язык", date(2026, 11, 10), n + 1)
        await _mark(grown, who, lesson, 3)
        await models.Attendance.create(
            lesson=lesson,
            date=lesson.date,
            student=who,
            kind=AttendanceKind.LATE,
            recorded_by=grown.teacher,
        )
        await models.TermRemark.create(
            student=who, term=term, school_class=cls, text=f"Отзыв {n}", author=viewer_user
        )
    more, grown_students = await cost()
    assert grown_students == students + 5
    assert more == small and small <= 10, (small, more)


async def test_the_class_week_costs_a_bounded_number_of_statements_a_student(
    world: World, p: P
) -> None:
    """Each page is `load_week` of its student (what the screen shows), so the week of a
    class costs statements per student: at most three (placements with the term, the week,
    the remarks), which the hourly budget pays for per page."""
    cls = p.objects["class"]
    viewer = Viewer(user_id=p.objects["homeroom"].id, homerooms=frozenset({cls.id}))
    with count_statements() as count:
        pages = await class_week_pages(
            viewer, cls.id, IsoWeek.parse(WEEK), lambda region: DEFAULT_POLICY
        )
    assert len(pages) >= 2
    assert count.value <= 3 + 3 * len(pages), (count.value, len(pages))


async def test_a_class_copy_beyond_the_hourly_budget_is_refused_before_drawing(
    gql: GraphQLClient, world: World, p: P
) -> None:
    spender = await builders.person(
        world, "p-spender", "Тратов", "Пётр", (Role.SCHOOL_ADMIN, p.built.school, None)
    )
    path = f"/print/class/{p.ids['class']}/week.pdf"
    # Spend all but 10 points of the hour: a class of several students costs 20 a page.
    await budget.charge(budget.budget_key(spender.id, "127.0.0.1"), 4990, 5000)
    answer = await _get(gql, world, path, "p-spender", week=WEEK)
    assert (answer.status_code, answer.json()["code"]) == (429, "RATE_LIMITED"), answer.text
    assert "points" in answer.json()["message"]
