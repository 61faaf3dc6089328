"""Absolute addresses of what the API links to: files, charts, reports, calendar feeds.

Every link starts with the one public base URL (`EDIARY_PUBLIC_URL`, `Settings.public_url`),
the address people open the diary at, so a link works wherever it is shown (an app on another
origin, an e-mail, a calendar program) and all of them look alike. GraphQL hands them out and
`ediary.web` serves them; both import this module, which imports neither. Plugins build their
own links the same way.

Object IDs in paths are the same global IDs as in GraphQL, URL-quoted.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from strawberry.relay import to_base64

__all__ = [
    "Links",
]


def _gid(kind: str, key: int) -> str:
    return quote(to_base64(kind, key), safe="")


def _term(term_id: int | None) -> str:
    return f"?{urlencode({'term': to_base64('Term', term_id)})}" if term_id is not None else ""


@dataclass(frozen=True)
class Links:
    """Links under one base URL (scheme, host, optional path prefix; no trailing slash)."""

    base: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "base", self.base.rstrip("/"))

    def absolute(self, path: str) -> str:
        """`path` (starting with "/") under the base URL."""
        return self.base + path

    def progress_chart(self, student_id: int, term_id: int | None) -> str:
        return self.absolute(f"/charts/progress/{_gid('Student', student_id)}.svg{_term(term_id)}")

    def class_report(self, class_id: int, term_id: int, extension: str) -> str:
        return self.absolute(
            f"/reports/class/{_gid('SchoolClass', class_id)}.{extension}{_term(term_id)}"
        )

    def school_report(self, school_id: int, term_id: int, extension: str) -> str:
        return self.absolute(
            f"/reports/school/{_gid('School', school_id)}.{extension}{_term(term_id)}"
        )

    def calendar_feed(self, secret: str) -> str:
        return self.absolute(f"/calendar/{secret}.ics")

    def homework_file(self, attachment_id: int) -> str:
        return self.absolute(f"/attachments/{attachment_id}")

    def announcement_file(self, attachment_id: int) -> str:
        return self.absolute(f"/attachments/announcements/{attachment_id}")

    def printed_week(self, student_id: int, week: str) -> str:
        query = urlencode({"student": to_base64("Student", student_id), "week": week})
        return self.absolute(f"/print/week.pdf?{query}")

    def printed_report_card(self, student_id: int, term_id: int) -> str:
        query = urlencode(
            {"student": to_base64("Student", student_id), "term": to_base64("Term", term_id)}
        )
        return self.absolute(f"/print/report-card.pdf?{query}")

    def printed_class_week(self, class_id: int, week: str) -> str:
        query = urlencode({"week": week})
        return self.absolute(f"/print/class/{_gid('SchoolClass', class_id)}/week.pdf?{query}")

    def printed_class_report_cards(self, class_id: int, term_id: int) -> str:
        return self.absolute(
            f"/print/class/{_gid('SchoolClass', class_id)}/report-card.pdf{_term(term_id)}"
        )
