"""Homework with attachments, topics, attendance, excuses, remarks and timetable changes."""

from __future__ import annotations

import io
import zipfile

from strawberry.relay import to_base64

from ediary.domain import models
from tests.conftest import GraphQLClient
from tests.journal.conftest import Class8

SET_HOMEWORK = """
mutation($input: SetHomeworkInput!) {
  setHomework(input: $input) {
    homework { id text dueOn attachments { id filename contentType size url } }
    userErrors { field message code }
  }
}
"""
EDIT_HOMEWORK = """
mutation($input: EditHomeworkInput!) {
  editHomework(input: $input) {
    homework { text attachments { filename } }
    userErrors { field message code }
  }
}
"""
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


async def test_homework_with_files_judged_by_their_bytes(
    gql: GraphQLClient, class8: Class8
) -> None:
    input = {"lessonId": class8.gid("Lesson", "math0"), "text": "No. 400", "dueOn": "2026-11-18"}
    good = await gql.upload(
        "math_teacher",
        SET_HOMEWORK,
        input,
        [("task.pdf", PDF), ("board.PNG", PNG), ("sheet.docx", _docx())],
        "attachments",
    )
    homework = good["setHomework"]["homework"]
    assert good["setHomework"]["userErrors"] == []
    assert [(a["filename"], a["contentType"]) for a in homework["attachments"]] == [
        ("task.pdf", "application/pdf"),
        ("board.PNG", "image/png"),
        ("sheet.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ]
    async with gql.http() as client:
        url = homework["attachments"][0]["url"]
        # Absolute, under EDIARY_PUBLIC_URL, so an app on another origin can open it as given.
        assert url.startswith("http://testserver/attachments/")
        headers = {"Authorization": f"Bearer {gql.world.tokens['p8_anna']}"}
        download = await client.get(url, headers=headers)
        assert download.status_code == 200 and download.content == PDF
        stranger = {"Authorization": f"Bearer {gql.world.tokens['other_parent']}"}
        assert (await client.get(url, headers=stranger)).status_code == 404

    before = await models.HomeworkAttachment.all().count()
    bad = await gql.upload(
        "math_teacher",
        SET_HOMEWORK,
        input,
        [
            ("virus.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100),
            ("photo.pdf", PNG),
            ("big.pdf", PDF + b" " * 70_000),
        ],
        "attachments",
    )
    errors = {(tuple(e["field"]), e["message"]) for e in bad["setHomework"]["userErrors"]}
    assert errors == {
        (("input", "attachments", "0"), "Files of this type cannot be attached."),
        (("input", "attachments", "1"), "The file's name does not match its contents."),
        (("input", "attachments", "2"), "The file is larger than 64 KB."),
    }
    assert await models.HomeworkAttachment.all().count() == before

    edited = await gql.upload(
        "math_teacher",
        EDIT_HOMEWORK,
        {
            "homeworkId": homework["id"],
            "text": "No. 401",
            "removeAttachments": [homework["attachments"][1]["id"]],
        },
        [("notes.txt", "Решить устно".encode())],
        "addAttachments",
    )
    assert edited["editHomework"]["homework"] == {
        "text": "No. 401",
        "attachments": [
            {"filename": "task.pdf"},
            {"filename": "sheet.docx"},
            {"filename": "notes.txt"},
        ],
    }


async def test_homework_rules(gql: GraphQLClient, class8: Class8) -> None:
    early = await gql(
        SET_HOMEWORK,
        {"input": {"lessonId": class8.gid("Lesson", "math1"), "text": "x", "dueOn": "2026-11-01"}},
        as_user="math_teacher",
    )
    assert early["data"]["setHomework"]["userErrors"][0]["field"] == ["input", "dueOn"]
    parent = await gql(
        SET_HOMEWORK,
        {"input": {"lessonId": class8.gid("Lesson", "math1"), "text": "x", "dueOn": "2026-11-20"}},
        as_user="p8_anna",
    )
    assert parent["data"]["setHomework"]["userErrors"][0]["code"] == "FORBIDDEN"


async def test_topic_and_timetable_changes(gql: GraphQLClient, class8: Class8) -> None:
    lesson = class8.gid("Lesson", "math2")
    topic = await gql(
        """mutation($id: ID!) { setLessonTopic(input: {lessonId: $id, topic: "Fractions"}) {
            lesson { topic } userErrors { code } } }""",
        {"id": lesson},
        as_user="math_teacher",
    )
    assert topic["data"]["setLessonTopic"] == {"lesson": {"topic": "Fractions"}, "userErrors": []}
    change = """mutation($id: ID!, $teacher: ID!) {
      changeRoom(input: {lessonId: $id, room: "305", note: "Repairs"}) {
        lesson { room scheduledRoom changeNote } userErrors { code } }
      substituteTeacher(input: {lessonId: $id, teacherId: $teacher, note: "Ill"}) {
        lesson { status substituteTeacher { fullName } } userErrors { code } }
    }"""
    variables = {
        "id": lesson,
        "teacher": to_base64("Teacher", class8.world.users["class_teacher"].id),
    }
    refused = await gql(change, variables, as_user="math_teacher")
    assert refused["data"]["changeRoom"]["userErrors"] == [{"code": "FORBIDDEN"}]
    done = await gql(change, variables, as_user="admin")
    assert done["data"]["changeRoom"]["lesson"] == {
        "room": "305",
        "scheduledRoom": "101",
        "changeNote": "Repairs",
    }
    assert done["data"]["substituteTeacher"]["lesson"] == {
        "status": "SUBSTITUTED",
        "substituteTeacher": {"fullName": "Sidorov Pavel"},
    }
    cancel = await gql(
        """mutation($id: ID!) { cancelLesson(input: {lessonId: $id, note: "Quarantine"}) {
            lesson { status changeNote } userErrors { code } } }""",
        {"id": class8.gid("Lesson", "phys4")},
        as_user="admin",
    )
    assert cancel["data"]["cancelLesson"]["lesson"] == {
        "status": "CANCELLED",
        "changeNote": "Quarantine",
    }


RECORD = """
mutation($input: RecordAttendanceInput!) {
  recordAttendance(input: $input) {
    attendance { kind minutesLate excused } userErrors { field message code }
  }
}
"""
EXCUSE = """
mutation($input: ExcuseAbsenceInput!) {
  excuseAbsence(input: $input) { attendance { excused excuseKind reason } userErrors { code } }
}
"""


async def test_attendance_and_excuses(gql: GraphQLClient, class8: Class8) -> None:
    lesson = class8.gid("Lesson", "phys1")
    bad = await gql(
        RECORD,
        {
            "input": {
                "lessonId": lesson,
                "entries": [
                    {
                        "studentId": class8.gid("Student", "s8_anna"),
                        "presence": "LATE",
                        "minutesLate": 90,
                    }
                ],
            }
        },
        as_user="russian_teacher",
    )
    assert bad["data"]["recordAttendance"]["userErrors"][0]["field"] == [
        "input",
        "entries",
        "0",
        "minutesLate",
    ]
    entries = [
        {"studentId": class8.gid("Student", "s8_anna"), "presence": "ABSENT"},
        {"studentId": class8.gid("Student", "s8_boris"), "presence": "LATE", "minutesLate": 10},
    ]
    done = await gql(
        RECORD, {"input": {"lessonId": lesson, "entries": entries}}, as_user="russian_teacher"
    )
    assert done["data"]["recordAttendance"]["attendance"] == [
        {"kind": "ABSENT", "minutesLate": None, "excused": False},
        {"kind": "LATE", "minutesLate": 10, "excused": False},
    ]
    excuse = {
        "studentId": class8.gid("Student", "s8_anna"),
        "from": "2026-11-17",
        "to": "2026-11-17",
        "reason": "Dentist",
    }
    for who, kind, code in (
        ("p8_boris", "PARENT_NOTE", "NOT_FOUND"),
        ("p8_anna", "MEDICAL", "FORBIDDEN"),
        ("nurse", "PARENT_NOTE", "FORBIDDEN"),
        ("s8_anna", "PARENT_NOTE", "FORBIDDEN"),
    ):
        refused = await gql(EXCUSE, {"input": {**excuse, "kind": kind}}, as_user=who)
        assert refused["data"]["excuseAbsence"]["userErrors"] == [{"code": code}], (who, kind)
    by_parent = await gql(EXCUSE, {"input": {**excuse, "kind": "PARENT_NOTE"}}, as_user="p8_anna")
    assert by_parent["data"]["excuseAbsence"]["attendance"] == [
        {"excused": True, "excuseKind": "PARENT_NOTE", "reason": "Dentist"}
    ]
    by_nurse = await gql(
        EXCUSE, {"input": {**excuse, "kind": "MEDICAL", "reason": "Certificate"}}, as_user="nurse"
    )
    assert by_nurse["data"]["excuseAbsence"]["attendance"][0]["excuseKind"] == "MEDICAL"


async def test_remarks(gql: GraphQLClient, class8: Class8) -> None:
    query = """mutation($lesson: ID!, $student: ID!) {
      addRemark(input: {lessonId: $lesson, studentId: $student, kind: PRAISE, text: "Well done"}) {
        remark { kind text } userErrors { code } } }"""
    variables = {
        "lesson": class8.gid("Lesson", "math1"),
        "student": class8.gid("Student", "s8_vera"),
    }
    done = await gql(query, variables, as_user="math_teacher")
    assert done["data"]["addRemark"] == {
        "remark": {"kind": "PRAISE", "text": "Well done"},
        "userErrors": [],
    }
    refused = await gql(query, variables, as_user="russian_teacher")
    assert refused["data"]["addRemark"]["userErrors"] == [{"code": "FORBIDDEN"}]


async def test_notification_preferences_belong_to_the_parent(
    gql: GraphQLClient, class8: Class8
) -> None:
    query = """mutation($student: ID!) {
      setNotificationPreference(input: {studentId: $student, mode: DIGEST, digestHour: 20,
                                        quietFrom: "22:00", quietTo: "07:00"}) {
        preference { mode digestHour quietFrom quietTo } userErrors { code } } }"""
    mine = await gql(query, {"student": class8.gid("Student", "s8_vera")}, as_user="p8_anna")
    assert mine["data"]["setNotificationPreference"]["userErrors"] == [{"code": "NOT_FOUND"}]
    ok = await gql(query, {"student": class8.gid("Student", "s8_boris")}, as_user="p8_boris")
    assert ok["data"]["setNotificationPreference"]["preference"] == {
        "mode": "DIGEST",
        "digestHour": 20,
        "quietFrom": "22:00:00",
        "quietTo": "07:00:00",
    }
    # Back to instant: the end-to-end test expects boris's father to hear at once.
    back = """mutation($student: ID!) {
      setNotificationPreference(input: {studentId: $student, mode: INSTANT}) {
        userErrors { code } } }"""
    await gql(back, {"student": class8.gid("Student", "s8_boris")}, as_user="p8_boris")
