"""Checks every school-life write shares: text sizes, moments, links and the flood limit."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from ediary.domain import ratelimit
from ediary.domain.errors import Problem

TITLE_LIMIT = 200
TEXT_LIMIT = 20_000
PLACE_LIMIT = 300
URL_LIMIT = 2000
REASON_LIMIT = 500
# One scope for everything a person publishes to families: news, blog entries, meetings.
POST_SCOPE = "life.post"


def post_limit(per_hour: int) -> ratelimit.Limit:
    """At most `per_hour` publications an hour; the next waits out the rest of the hour."""
    return ratelimit.Limit(per_hour, timedelta(hours=1), timedelta(hours=1))


async def ensure_may_post(author_id: int, per_hour: int) -> None:
    """TooManyAttempts while the author has published too much lately."""
    await ratelimit.ensure_allowed(POST_SCOPE, str(author_id), post_limit(per_hour))


async def count_post(author_id: int, per_hour: int) -> None:
    """Count a publication once it is saved; refused writes do not count."""
    await ratelimit.record(POST_SCOPE, str(author_id), post_limit(per_hour))


def text_problem(
    value: str, path: tuple[str, ...], limit: int, *, required: bool = True
) -> Problem | None:
    """Presence and length of a text. Texts are kept exactly as given (HTML is just text to
    us); only NUL, which no database text column takes, is refused."""
    if required and not value.strip():
        return Problem(path, "This cannot be empty.")
    if len(value) > limit:
        return Problem(path, f"At most {limit} characters.", "TOO_LONG")
    if "\x00" in value:
        return Problem(path, "The text contains a NUL character.")
    return None


def moment(value: datetime, zone: ZoneInfo) -> datetime:
    """A moment with its time zone; a time without one is the schools' local time."""
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def url_problem(value: str, path: tuple[str, ...]) -> Problem | None:
    """An online meeting link: an absolute http or https address, nothing else."""
    if len(value) > URL_LIMIT:
        return Problem(path, f"At most {URL_LIMIT} characters.", "TOO_LONG")
    bad = Problem(path, "Give an http:// or https:// address.", "INVALID_URL")
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        return bad
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return bad
    if parts.scheme.lower() not in {"http", "https"} or not host:
        return bad
    return None
