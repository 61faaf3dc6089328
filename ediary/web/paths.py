"""Addresses of the files the API links to; GraphQL hands them out, `ediary.web` serves them.

Object IDs in paths are the same global IDs as in GraphQL, URL-quoted.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

from strawberry.relay import to_base64


def _gid(kind: str, key: int) -> str:
    return quote(to_base64(kind, key), safe="")


def _term(term_id: int | None) -> str:
    return f"?{urlencode({'term': to_base64('Term', term_id)})}" if term_id is not None else ""


def progress_chart(student_id: int, term_id: int | None) -> str:
    return f"/charts/progress/{_gid('Student', student_id)}.svg{_term(term_id)}"


def class_report(class_id: int, term_id: int, extension: str) -> str:
    return f"/reports/class/{_gid('SchoolClass', class_id)}.{extension}{_term(term_id)}"


def school_report(school_id: int, term_id: int, extension: str) -> str:
    return f"/reports/school/{_gid('School', school_id)}.{extension}{_term(term_id)}"


def calendar_feed(secret: str) -> str:
    return f"/calendar/{secret}.ics"
