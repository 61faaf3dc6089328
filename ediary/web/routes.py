"""The routing table of the file routes; `ediary.app` mounts it beside GraphQL."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from ediary.web.calendar import calendar_feed
from ediary.web.charts import progress_chart
from ediary.web.login_sheet_files import login_sheets
from ediary.web.print_files import (
    class_report_cards,
    class_week,
    student_report_card,
    student_week,
)
from ediary.web.report_files import class_report_file, school_report_file


def routes() -> list[BaseRoute]:
    # `path` converters: global IDs are base64 and may contain "/" when not URL-quoted.
    return [
        Route("/charts/progress/{student:path}.svg", progress_chart, methods=["GET"]),
        *(
            Route(
                f"/reports/class/{{school_class:path}}.{extension}",
                class_report_file(extension),
                methods=["GET"],
            )
            for extension in ("csv", "xlsx")
        ),
        *(
            Route(
                f"/reports/school/{{school:path}}.{extension}",
                school_report_file(extension),
                methods=["GET"],
            )
            for extension in ("csv", "xlsx")
        ),
        Route("/calendar/{secret}.ics", calendar_feed, methods=["GET"]),
        Route("/print/week.pdf", student_week, methods=["GET"]),
        Route("/print/logins/{batch:path}.pdf", login_sheets, methods=["GET"]),
        Route("/print/report-card.pdf", student_report_card, methods=["GET"]),
        Route("/print/class/{school_class:path}/week.pdf", class_week, methods=["GET"]),
        Route(
            "/print/class/{school_class:path}/report-card.pdf",
            class_report_cards,
            methods=["GET"],
        ),
    ]
