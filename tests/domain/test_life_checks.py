"""The checks school-life writes share: links, texts, moments; and the reach rules."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from ediary.domain.access import NewsReach, Posting, Viewer, may_read_announcement, news_reach
from ediary.domain.enums import Audience, Role
from ediary.domain.life.checks import moment, text_problem, url_problem
from tests import builders


@pytest.mark.parametrize(
    "link",
    ["https://meet.example.org/9a?x=1", "http://10.0.0.1:8080/room", "HTTPS://Example.org"],
)
def test_http_links_pass(link: str) -> None:
    assert url_problem(link, ("onlineUrl",)) is None


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JaVaScRiPt://example.org/%0aalert(1)",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        "ftp://example.org",
        "//example.org/no-scheme",
        "https://",
        "https://exa mple.org",
        "https://example.org/\x00",
        "https://[::1",
        "meet.example.org",
    ],
)
def test_other_links_are_refused(link: str) -> None:
    found = url_problem(link, ("onlineUrl",))
    assert found is not None and found.code == "INVALID_URL", link


def test_texts_are_checked_but_never_changed() -> None:
    assert text_problem("<script>x</script>", ("text",), 100) is None
    assert text_problem("  ", ("text",), 100) is not None
    long = text_problem("x" * 101, ("text",), 100)
    assert long is not None and long.code == "TOO_LONG"
    assert text_problem("", ("place",), 100, required=False) is None


def test_a_time_without_zone_is_the_schools_time() -> None:
    zone = ZoneInfo("Europe/Moscow")
    assert moment(datetime(2026, 12, 1, 18, 0), zone).utcoffset() == zone.utcoffset(
        datetime(2026, 12, 1)
    )


FAMILY = Viewer(
    user_id=1,
    roles=frozenset({Role.PARENT}),
    member_classes=frozenset({7}),
    schools=frozenset({3}),
    parent_lookback=builders.no_window,
)
ADMIN = Viewer(
    user_id=2,
    roles=frozenset({Role.SCHOOL_ADMIN}),
    admin_schools=frozenset({3}),
    schools=frozenset({3}),
)


def test_families_see_live_items_and_the_administration_sees_the_rest() -> None:
    class_news = Posting(Audience.CLASS, 9, 3, 7)
    other_class = Posting(Audience.CLASS, 9, 3, 8)
    blog = Posting(Audience.BLOG, 9, None, None)
    family = news_reach(FAMILY, blog_authors=[9])
    admin = news_reach(ADMIN, blog_authors=[])
    assert may_read_announcement(family, class_news, live=True)
    assert not may_read_announcement(family, class_news, live=False)
    assert not may_read_announcement(family, other_class, live=True)
    assert may_read_announcement(family, blog, live=True)
    assert may_read_announcement(admin, other_class, live=False)
    assert not may_read_announcement(admin, blog, live=True)
    assert not may_read_announcement(NewsReach(), class_news, live=True)
