"""Log lines: one JSON object per line in production, readable text on a laptop.

The standard library's logging does the work; these are a formatter and a filter small
enough to read at a glance, so the field names are ours and no dependency is needed. Every
record written while a request is served carries its request ID (see requests.py).
"""

from __future__ import annotations

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any

from ediary.server.requests import current_request

# Attributes every LogRecord has; anything else on a record came through `extra=`.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's copy of the message with terminal colours
    "request_id",
}


class RequestIdFilter(logging.Filter):
    """Stamps the current request's ID on records (None outside requests)."""

    def filter(self, record: logging.LogRecord) -> bool:
        info = current_request.get()
        record.request_id = info.request_id if info is not None else None
        return True


def _extra(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
            "pid": record.process,
            **_extra(record),
        }
        if record.exc_info:
            # Tracebacks belong in the log, for whoever runs the server; never in a response.
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = _extra(record)
        request_id = getattr(record, "request_id", None)
        if request_id:
            fields = {"request_id": request_id, **fields}
        if fields:
            line += " " + " ".join(f"{k}={v}" for k, v in fields.items())
        return line


def logging_config(log_format: str, level: str) -> dict[str, Any]:
    """A dictConfig for the root logger and uvicorn's, which uvicorn applies in each worker."""
    formatter = JsonFormatter if log_format == "json" else TextFormatter
    level = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request": {"()": f"{__name__}.RequestIdFilter"}},
        "formatters": {"main": {"()": f"{formatter.__module__}.{formatter.__qualname__}"}},
        "handlers": {
            "main": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": "main",
                "filters": ["request"],
            }
        },
        "root": {"handlers": ["main"], "level": level},
        # uvicorn's own handlers would print a second, differently shaped line: its loggers
        # hand their records to ours. Its access log is off; ediary.access replaces it.
        "loggers": {
            **{
                name: {"handlers": [], "propagate": True, "level": level}
                for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
            },
            # Strawberry logs every GraphQL error, a wrong password or an expired session
            # included, at error level with a traceback. The errors clients cause are on the
            # access line (error_codes); the unexpected ones ediary.errors logs itself.
            "strawberry.execution": {"level": "CRITICAL"},
        },
    }


def configure(log_format: str, level: str) -> None:
    """Apply the configuration in this process (uvicorn does it itself for its workers)."""
    logging.config.dictConfig(logging_config(log_format, level))


__all__ = ["JsonFormatter", "RequestIdFilter", "TextFormatter", "configure", "logging_config"]
