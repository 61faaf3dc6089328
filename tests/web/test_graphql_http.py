"""Choosing the media type of an answer and its status code."""

from __future__ import annotations

import pytest

from ediary.web.graphql_http import (
    GRAPHQL_RESPONSE_JSON,
    JSON,
    accepts_html,
    negotiate,
    parse_accept,
    status_for,
)


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        (None, JSON),
        ("", JSON),
        ("*/*", JSON),
        ("application/*", JSON),
        ("application/json", JSON),
        ("application/json; charset=utf-8", JSON),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON};q=0.5, application/json", JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json;q=0.9", GRAPHQL_RESPONSE_JSON),
        (f"application/json;q=0, {GRAPHQL_RESPONSE_JSON}", GRAPHQL_RESPONSE_JSON),
        ("application/json;q=0, */*", GRAPHQL_RESPONSE_JSON),
        ("text/html,application/xhtml+xml,*/*;q=0.8", JSON),
        ("text/plain", None),
        ("application/xml, text/*", None),
        ("*/*;q=0", None),
        ("garbage", JSON),
    ],
)
def test_negotiate(accept: str | None, chosen: str | None) -> None:
    assert negotiate(accept) == chosen


def test_parse_accept_keeps_weights_and_skips_junk() -> None:
    ranges = parse_accept("Text/HTML;level=1;q=0.7, nonsense, */*;q=abc, a/b;q=2")
    assert [(r.type, r.subtype, r.quality) for r in ranges] == [
        ("text", "html", 0.7),
        ("*", "*", 1.0),
        ("a", "b", 1.0),
    ]


def test_accepts_html_only_when_named() -> None:
    assert accepts_html("text/html,application/xhtml+xml,*/*;q=0.8")
    assert not accepts_html("*/*")
    assert not accepts_html(None)


REQUEST_ERROR = {"data": None, "errors": [{"message": "Syntax Error", "locations": []}]}
FIELD_ERROR = {"data": None, "errors": [{"message": "Log in.", "path": ["viewer"]}]}
PARTIAL = {"data": {"a": 1}, "errors": [{"message": "x", "path": ["b"]}]}
INTERNAL = {
    "data": None,
    "errors": [{"message": "Fault", "extensions": {"code": "INTERNAL_SERVER_ERROR"}}],
}


@pytest.mark.parametrize(
    ("response", "json_status", "graphql_status"),
    [
        ({"data": {"a": 1}}, 200, 200),
        (REQUEST_ERROR, 200, 400),
        (FIELD_ERROR, 200, 200),
        (PARTIAL, 200, 200),
        (INTERNAL, 200, 500),
    ],
)
def test_status_for(response: dict[str, object], json_status: int, graphql_status: int) -> None:
    assert status_for(response, JSON) == json_status
    assert status_for(response, GRAPHQL_RESPONSE_JSON) == graphql_status
