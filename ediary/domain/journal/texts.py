"""Texts of notifications to families; Russian first, as the product's users speak it."""

from __future__ import annotations

from datetime import date, datetime

from ediary.domain.enums import AttendanceKind, WorkKind

WORK_KINDS = {
    WorkKind.ORAL: "устный ответ",
    WorkKind.CLASSWORK: "работа на уроке",
    WorkKind.HOMEWORK: "домашняя работа",
    WorkKind.QUIZ: "самостоятельная работа",
    WorkKind.DICTATION: "диктант",
    WorkKind.LAB: "лабораторная работа",
    WorkKind.ESSAY: "сочинение",
    WorkKind.TEST: "контрольная работа",
    WorkKind.EXAM: "экзамен",
}


def _day(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def mark_posted(student: str, subject: str, value: int, kind: WorkKind, day: date) -> str:
    return f"{student}: оценка {value} по предмету «{subject}» ({WORK_KINDS[kind]}), {_day(day)}."


def mark_corrected(student: str, subject: str, old: int, new: int, day: date, why: str) -> str:
    return (
        f"{student}: оценка по предмету «{subject}» за {_day(day)} исправлена с {old} на {new}. "
        f"Причина: {why}"
    )


def mark_deleted(student: str, subject: str, value: int, day: date, why: str) -> str:
    return (
        f"{student}: оценка {value} по предмету «{subject}» за {_day(day)} удалена. Причина: {why}"
    )


def attendance(
    student: str, subject: str, kind: AttendanceKind, minutes: int | None, day: date
) -> str:
    if kind is AttendanceKind.LATE:
        return f"{student} опоздал(а) на {minutes} мин. на урок «{subject}», {_day(day)}."
    return f"{student} отсутствовал(а) на уроке «{subject}», {_day(day)}."


def subject_line(student: str, what: str) -> str:
    return f"Дневник: {what} — {student}"


def meeting_scheduled(student: str, title: str, when: datetime) -> str:
    return (
        f"{student}: собрание «{title}» {when.strftime('%d.%m.%Y в %H:%M')}. "
        "Ответьте в дневнике, придёте ли вы."
    )


def _work(kind: WorkKind, remote: bool) -> str:
    name = WORK_KINDS[kind]
    return f"{name} (дистанционно)" if remote else name


def work_reminder(
    student: str, subject: str, kind: WorkKind, remote: bool, day: date, topic: str
) -> str:
    about = f" Тема: {topic}." if topic else ""
    return f"{student}: {_day(day)} по предмету «{subject}» — {_work(kind, remote)}.{about}"


def work_cancelled(student: str, subject: str, kind: WorkKind, remote: bool, day: date) -> str:
    # "отменено —" agrees with every kind of work, whatever its gender.
    return (
        f"{student}: отменено — {_work(kind, remote)} по предмету «{subject}» {_day(day)}; "
        "готовиться не нужно."
    )


def _moment(when: datetime) -> str:
    return when.strftime("%d.%m.%Y в %H:%M")


def meeting_changed(student: str, title: str, when: datetime, what: str) -> str:
    return f"{student}: собрание «{title}» {_moment(when)} изменено: {what}."


def meeting_moved(student: str, title: str, before: datetime, after: datetime) -> str:
    # Answers are reset on a move (docs/api.md): the parent is asked again.
    return (
        f"{student}: собрание «{title}» перенесено с {_moment(before)} на {_moment(after)}. "
        "Прежние ответы сброшены: ответьте в дневнике ещё раз, придёте ли вы."
    )


def meeting_cancelled(student: str, title: str, when: datetime, reason: str) -> str:
    return f"{student}: собрание «{title}» {_moment(when)} отменено. Причина: {reason}"


def news_posted(student: str, title: str, where: str) -> str:
    return f"{student}: {where} — «{title}». Подробности в дневнике."
