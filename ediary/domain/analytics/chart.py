"""The progress chart as SVG.

Drawn with matplotlib's SVG backend: it is the most widely maintained Python plotting
library, renders without a display or a browser, and its SVG output embeds in web pages and
e-mails as is. (pygal writes SVG natively too, but sees far fewer releases and maintainers.)
Text stays text (`svg.fonttype: none`), which keeps the file small and readable by screen
readers, and element IDs are salted with a constant so the same data gives the same bytes.

matplotlib's settings are process-global, so drawing is serialised by a lock; callers in an
event loop run `progress_svg` in a worker thread.
"""

from __future__ import annotations

import io
import math
import re
import threading
from collections.abc import Mapping
from datetime import date, timedelta
from fractions import Fraction
from typing import Any
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from ediary.domain.analytics.progress import Progress, SubjectProgress, weeks_left
from ediary.domain.grading import MarkScale

_LOCK = threading.Lock()

# One colour for the student in every panel (a panel is one subject, so colours need not tell
# subjects apart), a grey dashed line for the class, a light band for the weeks still to come.
# The blue and the grey keep a contrast of at least 4.5:1 on white.
STUDENT = "#1f5fa8"
CLASS = "#5f5f5f"
AHEAD = "#e8eef5"
COLUMNS = 2


def _figures(average: Fraction | float) -> str:
    return f"{float(average):.2f}"


def describe(
    progress: Progress,
    today: date,
    class_averages: Mapping[int, Fraction] | None = None,
) -> str:
    """The chart in words, for its `<desc>`: what a screen reader says instead of the lines."""
    sentences = []
    for subject in progress.subjects:
        if not subject.points:
            continue
        last = subject.points[-1]
        text = (
            f"{subject.subject.name}: {_figures(last.average)} at the end of {last.week} "
            f"({last.total_marks} marks)"
        )
        if class_averages and subject.subject.id in class_averages:
            text += f", class average {_figures(class_averages[subject.subject.id])}"
        sentences.append(text + ".")
    if not sentences:
        sentences.append("No marks this term yet.")
    left = weeks_left(progress.term, today)
    sentences.append(f"{left} week{'' if left == 1 else 's'} left in the term.")
    return " ".join(sentences)


def _panel(
    axes: Axes,
    subject: SubjectProgress,
    progress: Progress,
    scale: MarkScale,
    today: date,
    class_average: Fraction | None,
    *,
    small: bool,
) -> None:
    term = progress.term
    ends = term.ends_on + timedelta(days=1)
    axes.set_xlim(term.starts_on, ends)  # type: ignore[arg-type]
    axes.set_ylim(scale.minimum - 0.2, scale.maximum + 0.2)
    axes.set_yticks(list(scale.values))
    axes.xaxis.set_major_formatter(DateFormatter("%d.%m"))  # type: ignore[no-untyped-call]
    if small:
        axes.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4))
        # Dates under every panel, not only the bottom row: each is read on its own.
        axes.tick_params(labelbottom=True, labelleft=True, labelsize="small")
    axes.grid(True, axis="y", alpha=0.3)
    axes.spines[["top", "right"]].set_visible(False)
    left = weeks_left(term, today)
    if left:
        # The weeks still to come: where marks can yet change the average.
        axes.axvspan(max(today, term.starts_on), ends, color=AHEAD, zorder=0)  # type: ignore[arg-type]
        axes.text(
            0.99,
            0.04,
            f"{left} week{'' if left == 1 else 's'} left",
            transform=axes.transAxes,
            ha="right",
            color=CLASS,
            fontsize="small",
        )
    days = [point.week.sunday for point in subject.points]
    values = [float(point.average) for point in subject.points]
    axes.plot(days, values, color=STUDENT, marker="o", drawstyle="steps-post", label="Average")  # type: ignore[arg-type]
    heading = subject.subject.name
    if subject.points:
        heading += f"  {_figures(subject.points[-1].average)}"
    if class_average is not None:
        axes.axhline(
            float(class_average), color=CLASS, linestyle="--", linewidth=1, label="Class average"
        )
        heading += f" (class {_figures(class_average)})"
    axes.set_title(heading, loc="left", fontsize="medium" if small else "large")


def progress_svg(
    progress: Progress,
    title: str,
    scale: MarkScale,
    *,
    today: date,
    class_averages: Mapping[int, Fraction] | None = None,
) -> bytes:
    """One small chart per subject with marks (the running average at the end of each week),
    on the same scales, beside the class average where the viewer may compare, with the weeks
    left in the term shaded; a single subject's progress is drawn larger.

    `class_averages` maps a subject's ID to its class average; only what the caller may show.
    """
    style: dict[RcKeyType, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": "ediary-progress",
        "font.family": "sans-serif",
        "font.size": 10,
    }
    averages = class_averages or {}
    drawn = [subject for subject in progress.subjects if subject.points]
    with _LOCK, matplotlib.rc_context(style):
        single = len(drawn) == 1
        columns = 1 if single else COLUMNS
        rows = max(1, math.ceil(len(drawn) / columns))
        height = 4.0 if single else 0.6 + 2.1 * rows
        figure = Figure(figsize=(8, height), layout="constrained")
        FigureCanvasSVG(figure)
        figure.suptitle(title)
        if not drawn:
            axes = figure.add_subplot()
            axes.set_axis_off()
            axes.text(0.5, 0.5, "No marks this term yet", transform=axes.transAxes, ha="center")
        else:
            grid = figure.subplots(rows, columns, squeeze=False, sharex=True, sharey=True)
            for index, cell in enumerate(grid.flat):
                if index >= len(drawn):
                    cell.set_axis_off()
                    continue
                subject = drawn[index]
                _panel(
                    cell,
                    subject,
                    progress,
                    scale,
                    today,
                    averages.get(subject.subject.id),
                    small=not single,
                )
            if single and averages.get(drawn[0].subject.id) is not None:
                grid[0][0].legend(loc="upper left", frameon=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return _accessible(buffer.getvalue(), title, describe(progress, today, averages))


def _accessible(svg: bytes, title: str, description: str) -> bytes:
    """A `<title>` and `<desc>` first in the root element, named by `aria-labelledby`, so the
    picture is announced as one image with its content in words."""
    text = svg.decode("utf-8")
    root = re.search(r"<svg\b[^>]*>", text)
    if root is None:  # matplotlib always writes one; nothing to label otherwise
        return svg
    opening = root.group(0)[:-1] + ' role="img" aria-labelledby="chart-title chart-desc">'
    labels = (
        f'<title id="chart-title">{escape(title)}</title>'
        f'<desc id="chart-desc">{escape(description)}</desc>'
    )
    return (text[: root.start()] + opening + labels + text[root.end() :]).encode("utf-8")
