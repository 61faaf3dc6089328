"""The progress chart as drawn: one small chart per subject on the same scales, the weeks left
in the term, the class average only where the caller gives it, and a title and a description
a screen reader announces; and the weeks left themselves."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date
from fractions import Fraction
from types import SimpleNamespace
from typing import cast

import pytest

from ediary.domain.analytics.chart import describe, progress_svg
from ediary.domain.analytics.progress import (
    Progress,
    ProgressPoint,
    SubjectProgress,
    weeks_left,
)
from ediary.domain.grading import MarkScale
from ediary.domain.models import Subject
from ediary.domain.rows import TermRow
from ediary.domain.weeks import IsoWeek

SVG = "{http://www.w3.org/2000/svg}"
# A term from Monday 2 November to Sunday 27 December 2026.
TERM = TermRow(
    id=7, academic_year_id=1, number=2, starts_on=date(2026, 11, 2), ends_on=date(2026, 12, 27)
)


def _subject(id: int, name: str) -> Subject:
    return cast(Subject, SimpleNamespace(id=id, name=name))


def _points(*averages: Fraction) -> list[ProgressPoint]:
    return [
        ProgressPoint(IsoWeek.containing(date(2026, 11, 2 + 7 * n)), average, 1, n + 1)
        for n, average in enumerate(averages)
    ]


MATHS = SubjectProgress(_subject(1, "Mathematics"), _points(Fraction(4), Fraction(9, 2)))
RUSSIAN = SubjectProgress(_subject(2, "Russian"), _points(Fraction(5)))
MUSIC = SubjectProgress(_subject(3, "Music"), [])


def _texts(svg: bytes) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


@pytest.mark.parametrize(
    ("today", "left"),
    [
        (date(2026, 10, 30), 8),  # before the term: all of it
        (date(2026, 11, 26), 5),  # Thursday: 27 Nov - 27 Dec is 31 days, five weeks begun
        (date(2026, 12, 20), 1),  # the last Sunday but one: the last week is left
        (date(2026, 12, 26), 1),  # one day is a week begun
        (date(2026, 12, 27), 0),  # its last day: nothing after it
        (date(2027, 1, 10), 0),
    ],
)
def test_weeks_left_count_a_part_week_as_whole(today: date, left: int) -> None:
    assert weeks_left(TERM, today) == left


def test_one_small_chart_per_subject_with_marks_and_the_weeks_left() -> None:
    progress = Progress(TERM, [MATHS, MUSIC, RUSSIAN])
    svg = progress_svg(progress, "Anna: term 2", MarkScale(), today=date(2026, 11, 26))
    root = ET.fromstring(svg)
    texts = _texts(svg)
    # A panel per subject with marks, titled with its latest average; none for Music.
    assert "Mathematics  4.50" in texts and "Russian  5.00" in texts
    assert not any("Music" in text for text in texts)
    assert texts.count("5 weeks left") == 2
    # Every panel draws its line in the student's colour: none of the cycle of colours a
    # chart of many lines needs (matplotlib's default one here) is left.
    assert "#1f5fa8" in svg.decode()
    for cycled in ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"):
        assert cycled not in svg.decode()
    panels = [g for g in root.iter(f"{SVG}g") if (g.get("id") or "").startswith("axes_")]
    assert len(panels) == 2
    assert not any("class" in text for text in texts)


def test_the_class_average_only_where_given() -> None:
    progress = Progress(TERM, [MATHS, RUSSIAN])
    svg = progress_svg(
        progress,
        "Anna: term 2",
        MarkScale(),
        today=date(2026, 11, 26),
        class_averages={1: Fraction(41, 10)},
    )
    texts = _texts(svg)
    assert "Mathematics  4.50 (class 4.10)" in texts
    assert "Russian  5.00" in texts


def test_the_chart_is_one_image_with_a_title_and_its_content_in_words() -> None:
    progress = Progress(TERM, [MATHS, RUSSIAN])
    svg = progress_svg(
        progress,
        "Anna & Co: term 2",
        MarkScale(),
        today=date(2026, 11, 26),
        class_averages={1: Fraction(41, 10)},
    )
    root = ET.fromstring(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    title, desc = list(root)[:2]
    assert (title.tag, title.get("id"), title.text) == (
        f"{SVG}title",
        "chart-title",
        "Anna & Co: term 2",
    )
    assert (desc.tag, desc.get("id")) == (f"{SVG}desc", "chart-desc")
    assert desc.text == (
        "Mathematics: 4.50 at the end of 2026-W46 (2 marks), class average 4.10. "
        "Russian: 5.00 at the end of 2026-W45 (1 marks). 5 weeks left in the term."
    )


def test_one_subject_alone_is_drawn_larger_with_a_legend() -> None:
    one = progress_svg(
        Progress(TERM, [MATHS]),
        "Anna, Mathematics: term 2",
        MarkScale(),
        today=date(2026, 11, 26),
        class_averages={1: Fraction(4)},
    )
    texts = _texts(one)
    assert "Average" in texts and "Class average" in texts
    many = progress_svg(
        Progress(TERM, [MATHS, RUSSIAN]), "t", MarkScale(), today=date(2026, 11, 26)
    )
    assert "Average" not in _texts(many)


def test_no_marks_yet_and_a_term_over() -> None:
    empty = progress_svg(Progress(TERM, [MUSIC]), "t", MarkScale(), today=date(2027, 1, 10))
    assert "No marks this term yet" in _texts(empty)
    assert describe(Progress(TERM, []), date(2027, 1, 10)) == (
        "No marks this term yet. 0 weeks left in the term."
    )
    over = progress_svg(Progress(TERM, [MATHS]), "t", MarkScale(), today=date(2027, 1, 10))
    assert not any("left" in text for text in _texts(over))


def test_the_same_data_gives_the_same_bytes() -> None:
    progress = Progress(TERM, [MATHS, RUSSIAN])
    first = progress_svg(progress, "t", MarkScale(), today=date(2026, 11, 26))
    assert first == progress_svg(progress, "t", MarkScale(), today=date(2026, 11, 26))
