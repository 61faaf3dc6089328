"""The rules of the GraphQL-over-HTTP specification that strawberry leaves to us: which media
type an answer is in, and which status code it carries.

Clients that ask for `application/graphql-response+json` get the specification's status codes
(400 for a document that does not parse or validate, or for variables that do not coerce);
clients that ask for `application/json`, or for anything (`*/*`, no `Accept`), keep the
older convention of 200 with `errors`, which existing clients expect."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"


@dataclass(frozen=True)
class MediaRange:
    """One entry of an `Accept` header: `type/subtype` (either may be `*`) and its weight."""

    type: str
    subtype: str
    quality: float

    def specificity(self, media_type: str) -> int | None:
        """How closely this range names `media_type`: 2 exactly, 1 `type/*`, 0 `*/*`; None when
        it does not match at all."""
        wanted_type, _, wanted_subtype = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != wanted_type:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == wanted_subtype else None


def parse_accept(header: str) -> list[MediaRange]:
    """The media ranges of an `Accept` header (RFC 9110 section 12.5.1); malformed entries are
    skipped, a malformed weight counts as 1."""
    ranges: list[MediaRange] = []
    for entry in header.split(","):
        media, *params = (part.strip() for part in entry.split(";"))
        kind, slash, subtype = media.lower().partition("/")
        if not slash or not kind or not subtype:
            continue
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    quality = 1.0
        ranges.append(MediaRange(kind, subtype, quality))
    return ranges


def negotiate(accept: str | None) -> str | None:
    """The media type to answer in, or None when the client accepts neither JSON type (406).

    The weight of each type comes from the most specific range naming it. A tie goes to
    `application/graphql-response+json` only when the client names it exactly: `*/*`, and
    `application/*`, keep legacy clients on `application/json`."""
    if accept is None or not accept.strip():
        return JSON
    ranges = parse_accept(accept)
    if not ranges:
        return JSON
    best: tuple[float, int, bool] | None = None
    chosen: str | None = None
    for media_type in (JSON, GRAPHQL_RESPONSE_JSON):
        matches = [
            (found, r.quality) for r in ranges if (found := r.specificity(media_type)) is not None
        ]
        if not matches:
            continue
        specificity, quality = max(matches)
        if quality <= 0:
            continue
        key = (quality, specificity, media_type == GRAPHQL_RESPONSE_JSON and specificity == 2)
        if best is None or key > best:
            best, chosen = key, media_type
    return chosen


def accepts_html(accept: str | None) -> bool:
    """A browser navigating to the endpoint: it names HTML explicitly."""
    return any(r.type == "text" and r.subtype == "html" for r in parse_accept(accept or ""))


def is_request_error(response: Mapping[str, object]) -> bool:
    """True when the operation never ran: no data, and no error tied to a field.

    Errors of fields always carry a `path`; a document that does not parse or validate, or
    variables that do not coerce, produce errors without one, and no data."""
    if response.get("data") is not None:
        return False
    errors = response.get("errors")
    if not isinstance(errors, Sequence) or not errors:
        return False
    return all(isinstance(error, Mapping) and "path" not in error for error in errors)


def status_for(response: Mapping[str, object], media_type: str) -> int:
    """The status code of a GraphQL response in the negotiated media type."""
    if media_type != GRAPHQL_RESPONSE_JSON or not is_request_error(response):
        return 200
    errors = response.get("errors")
    assert isinstance(errors, Sequence)
    internal = any(
        isinstance(error, Mapping)
        and isinstance(error.get("extensions"), Mapping)
        and error["extensions"].get("code") == "INTERNAL_SERVER_ERROR"
        for error in errors
    )
    return 500 if internal else 400
