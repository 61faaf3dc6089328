"""Paper copies as PDF: diary weeks and term report cards, one student per page.

Drawn with fpdf2: pure Python (so `make run` needs nothing but Python, unlike WeasyPrint's
Pango), maintained, small, and it embeds (and subsets) TrueType fonts, which Cyrillic needs.
reportlab would do as well but is a far larger toolkit than two tables per page call for.
The fonts are the DejaVu Sans TTFs matplotlib, already a dependency, ships: no font files
of our own to keep.

The domain (`ediary.domain.paper`) decides what is printed; this module only lays it out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Literal

import matplotlib
from fpdf import FPDF
from fpdf.fonts import FontFace

from ediary.domain.diary import DiaryLesson
from ediary.domain.enums import AttendanceKind, LessonStatus
from ediary.domain.paper import ReportCard, WeekPage
from ediary.domain.rows import MarkRow

Language = Literal["ru", "en"]
LANGUAGES: tuple[Language, ...] = ("ru", "en")

_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
# The embedded font family, for every document of `ediary.printing`.
FAMILY = "DejaVuSans"

_LABELS: dict[Language, dict[str, str]] = {
    "ru": {
        "diary": "Дневник",
        "report_card": "Табель успеваемости",
        "week": "Неделя",
        "class": "Класс",
        "term": "Четверть",
        "period": "№",
        "subject": "Предмет",
        "homework": "Домашнее задание",
        "marks": "Оценки",
        "attendance": "Посещение",
        "remarks": "Замечания",
        "term_mark": "За четверть",
        "year_mark": "Годовая",
        "missed": "Пропущено уроков",
        "excused": "Из них по уважительной",
        "late": "Опозданий",
        "total": "Итого",
        "absent": "н",
        "absent_excused": "н (уваж.)",
        "late_mark": "оп",
        "cancelled": "отменён",
        "other_marks": "Оценки вне уроков",
        "no_lessons": "Уроков нет",
        "averages": "Средние баллы за четверть",
        "forecast": "в скобках: прогноз по среднему баллу, оценка ещё не выставлена",
        "nothing": "Оценок и пропусков за четверть нет",
        "signature": "Подпись родителя",
        "term_remark": "Отзыв классного руководителя",
        "days": "Понедельник Вторник Среда Четверг Пятница Суббота Воскресенье",
    },
    "en": {
        "diary": "Diary",
        "report_card": "Report card",
        "week": "Week",
        "class": "Class",
        "term": "Term",
        "period": "#",
        "subject": "Subject",
        "homework": "Homework",
        "marks": "Marks",
        "attendance": "Attendance",
        "remarks": "Remarks",
        "term_mark": "Term mark",
        "year_mark": "Year mark",
        "missed": "Lessons missed",
        "excused": "Of them excused",
        "late": "Late",
        "total": "Total",
        "absent": "absent",
        "absent_excused": "absent (excused)",
        "late_mark": "late",
        "cancelled": "cancelled",
        "other_marks": "Marks outside lessons",
        "no_lessons": "No lessons",
        "averages": "Term averages",
        "forecast": "in brackets: forecast from the average, no mark given yet",
        "nothing": "No marks or absences this term",
        "signature": "Parent's signature",
        "term_remark": "The class teacher's remark",
        "days": "Monday Tuesday Wednesday Thursday Friday Saturday Sunday",
    },
}


def document() -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.set_margins(12, 12, 12)
    pdf.add_font(FAMILY, "", str(_FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FAMILY, "B", str(_FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_creator("ediary")
    return pdf


def _day(day: date) -> str:
    return f"{day:%d.%m.%Y}"


def _heading(pdf: FPDF, title: str, lines: Iterable[str]) -> None:
    pdf.set_font(FAMILY, "B", 16)
    pdf.cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    for line in lines:
        if line:
            pdf.cell(0, 5.5, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)


def _marks(marks: Sequence[MarkRow]) -> str:
    return " ".join(str(mark.value) for mark in marks)


def _attendance(entry: DiaryLesson, text: dict[str, str]) -> str:
    record = entry.attendance
    if record is None:
        return ""
    if record.kind == AttendanceKind.LATE:
        minutes = f" {record.minutes_late}'" if record.minutes_late else ""
        return text["late_mark"] + minutes
    return text["absent_excused"] if record.excused else text["absent"]


def _week(pdf: FPDF, page: WeekPage, text: dict[str, str]) -> None:
    diary = page.diary
    week = diary.week
    pdf.add_page()
    _heading(
        pdf,
        f"{text['diary']}: {page.student}",
        [
            page.school,
            f"{text['class']} {page.school_class}" if page.school_class else "",
            f"{text['week']} {week}: {_day(week.monday)} – {_day(week.sunday)}",
        ],
    )
    names = text["days"].split()
    header = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    widths = (8, 36, 70, 18, 26, 28)
    for day in diary.days:
        if not day.lessons and not day.other_marks and day.date.weekday() >= 5:
            continue  # an empty weekend takes no room
        pdf.set_font(FAMILY, "B", 11)
        pdf.cell(
            0, 7, f"{names[day.date.weekday()]}, {_day(day.date)}", new_x="LMARGIN", new_y="NEXT"
        )
        pdf.set_font(FAMILY, "", 9)
        if not day.lessons:
            pdf.cell(0, 5, text["no_lessons"], new_x="LMARGIN", new_y="NEXT")
        else:
            with pdf.table(
                col_widths=widths, headings_style=header, line_height=4.5, text_align="LEFT"
            ) as table:
                table.row(
                    [
                        text["period"],
                        text["subject"],
                        text["homework"],
                        text["marks"],
                        text["attendance"],
                        text["remarks"],
                    ]
                )
                for entry in day.lessons:
                    lesson = entry.lesson
                    subject = lesson.subject.name
                    if lesson.status == LessonStatus.CANCELLED:
                        subject += f" ({text['cancelled']})"
                    table.row(
                        [
                            str(lesson.period),
                            subject,
                            "\n".join(h.text for h in entry.homework),
                            _marks(entry.marks),
                            _attendance(entry, text),
                            "\n".join(page.remarks.get(lesson.id, [])),
                        ]
                    )
        if day.other_marks:
            listed = ", ".join(f"{m.subject.name}: {m.value}" for m in day.other_marks)
            pdf.cell(0, 5, f"{text['other_marks']}: {listed}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    averages = [a for a in diary.averages if a.average is not None]
    if averages:
        pdf.ln(1)
        pdf.set_font(FAMILY, "B", 10)
        pdf.cell(0, 6, text["averages"], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 9)
        listed = "; ".join(
            f"{a.subject.name}: {float(a.average):.2f}" for a in averages if a.average is not None
        )
        pdf.multi_cell(0, 5, listed, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.cell(0, 6, f"{text['signature']}: ____________________", new_x="LMARGIN", new_y="NEXT")


def _remark(pdf: FPDF, card: ReportCard, text: dict[str, str]) -> None:
    # A card without a remark prints nothing in its place: an empty heading on a printed
    # card would read as "nothing to say", which is not what a missing remark means.
    if not card.remark:
        return
    pdf.ln(4)
    pdf.set_font(FAMILY, "B", 10)
    pdf.cell(0, 6, text["term_remark"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 5, card.remark, new_x="LMARGIN", new_y="NEXT")


def _card(pdf: FPDF, card: ReportCard, text: dict[str, str]) -> None:
    term = card.term
    pdf.add_page()
    _heading(
        pdf,
        f"{text['report_card']}: {card.student}",
        [
            card.school,
            f"{text['class']} {card.school_class}",
            f"{text['term']} {term.number}: {_day(term.starts_on)} – {_day(term.ends_on)}",
        ],
    )
    pdf.set_font(FAMILY, "", 10)
    if not card.lines:
        pdf.cell(0, 6, text["nothing"], new_x="LMARGIN", new_y="NEXT")
        _remark(pdf, card, text)
        return
    header = FontFace(emphasis="BOLD", fill_color=(230, 230, 230))
    forecast = False
    with pdf.table(
        col_widths=(50, 24, 22, 28, 34, 28),
        headings_style=header,
        line_height=5.5,
        text_align="LEFT",
    ) as table:
        table.row(
            [
                text["subject"],
                text["term_mark"],
                text["year_mark"],
                text["missed"],
                text["excused"],
                text["late"],
            ]
        )
        for line in card.lines:
            mark = ""
            if line.term_mark is not None:
                mark = str(line.term_mark) if line.term_mark_given else f"({line.term_mark})"
                forecast = forecast or not line.term_mark_given
            table.row(
                [
                    line.subject,
                    mark,
                    "" if line.year_mark is None else str(line.year_mark),
                    str(line.missed),
                    str(line.excused),
                    str(line.late),
                ]
            )
        table.row(
            [text["total"], "", "", str(card.missed), str(card.excused), str(card.late)],
            style=FontFace(emphasis="BOLD"),
        )
    if forecast:
        pdf.set_font(FAMILY, "", 8)
        pdf.ln(1)
        pdf.cell(0, 5, text["forecast"], new_x="LMARGIN", new_y="NEXT")
    _remark(pdf, card, text)
    pdf.set_font(FAMILY, "", 10)
    pdf.ln(6)
    pdf.cell(0, 6, f"{text['signature']}: ____________________", new_x="LMARGIN", new_y="NEXT")


def weeks_pdf(pages: Sequence[WeekPage], language: Language = "ru") -> bytes:
    """The diary weeks, each starting on a new page."""
    pdf = document()
    text = _LABELS[language]
    pdf.set_title(text["diary"])
    for page in pages:
        _week(pdf, page, text)
    if not pages:
        pdf.add_page()
    return bytes(pdf.output())


def report_cards_pdf(cards: Sequence[ReportCard], language: Language = "ru") -> bytes:
    """The report cards, one a page."""
    pdf = document()
    text = _LABELS[language]
    pdf.set_title(text["report_card"])
    for card in cards:
        _card(pdf, card, text)
    if not cards:
        pdf.add_page()
    return bytes(pdf.output())
