"""Texts of notifications about conversations and acknowledgements; Russian first."""

from __future__ import annotations

# Notifications carry the start of a message; the whole of it is in the app.
PREVIEW = 500


def _preview(text: str) -> str:
    return text if len(text) <= PREVIEW else text[: PREVIEW - 1] + "…"


def message_subject(student: str) -> str:
    return f"Дневник: сообщение от учителя — {student}"


def message_text(author: str, text: str) -> str:
    return f"{author} пишет:\n\n{_preview(text)}"


def ack_subject(student: str) -> str:
    return f"Дневник: нужно ваше подтверждение — {student}"


def ack_text(author: str, title: str, text: str) -> str:
    return (
        f"{author}: «{title}»\n\n{_preview(text)}\n\n"
        "Подтвердите в электронном дневнике, что вы ознакомились."
    )
