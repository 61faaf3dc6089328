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
import threading
from datetime import timedelta
from typing import Any

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.dates import DateFormatter
from matplotlib.figure import Figure
from matplotlib.typing import RcKeyType

from ediary.domain.analytics.progress import Progress
from ediary.domain.grading import MarkScale

_LOCK = threading.Lock()


def progress_svg(progress: Progress, title: str, scale: MarkScale) -> bytes:
    """A line per subject: the running average at the end of each week with marks."""
    style: dict[RcKeyType, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": "ediary-progress",
        "font.family": "sans-serif",
        "font.size": 10,
    }
    with _LOCK, matplotlib.rc_context(style):
        figure = Figure(figsize=(8, 4.5), layout="constrained")
        FigureCanvasSVG(figure)
        axes = figure.add_subplot()
        axes.set_title(title)
        axes.set_ylabel("Running average")
        axes.set_ylim(scale.minimum - 0.2, scale.maximum + 0.2)
        axes.set_yticks(list(scale.values))
        term = progress.term
        # Sundays: each point is the average at the end of its week.
        axes.set_xlim(term.starts_on, term.ends_on + timedelta(days=1))  # type: ignore[arg-type]
        axes.xaxis.set_major_formatter(DateFormatter("%d.%m"))  # type: ignore[no-untyped-call]
        axes.grid(True, alpha=0.3)
        drawn = False
        for subject in progress.subjects:
            if not subject.points:
                continue
            days = [point.week.sunday for point in subject.points]
            values = [float(point.average) for point in subject.points]
            axes.plot(days, values, marker="o", drawstyle="steps-post", label=subject.subject.name)  # type: ignore[arg-type]
            drawn = True
        if drawn:
            axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
        else:
            axes.text(0.5, 0.5, "No marks this term yet", transform=axes.transAxes, ha="center")
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()
