"""When a reminder of announced work is due, and the lowest mark on announced work that
reaches a target: the arithmetic behind the reminders and the forecast."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from ediary.domain.analytics.forecast import lowest_reaching
from ediary.domain.grading import DEFAULT_POLICY, MarkScale, RegionPolicy
from ediary.domain.journal.planned_work import reminder_due

MOSCOW = ZoneInfo("Europe/Moscow")
VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")
LESSON = date(2026, 12, 10)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def test_a_reminder_is_due_days_before_in_the_afternoon_of_the_schools_zone() -> None:
    assert reminder_due(LESSON, 2, date(2026, 12, 1), NOW, MOSCOW) == datetime(
        2026, 12, 8, 13, 0, tzinfo=UTC
    )
    assert reminder_due(LESSON, 2, date(2026, 12, 1), NOW, VLADIVOSTOK) == datetime(
        2026, 12, 8, 6, 0, tzinfo=UTC
    )
    # 0: on the lesson's own day.
    assert reminder_due(LESSON, 0, date(2026, 12, 1), NOW, MOSCOW) == datetime(
        2026, 12, 10, 13, 0, tzinfo=UTC
    )


def test_work_announced_late_is_told_at_once_or_this_afternoon() -> None:
    # The reminder day is over: at once.
    late = datetime(2026, 12, 9, 17, 0, tzinfo=UTC)
    assert reminder_due(LESSON, 2, date(2026, 12, 9), late, MOSCOW) == late
    # The reminder day is today and its afternoon is still ahead: then.
    morning = datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
    assert reminder_due(LESSON, 2, date(2026, 12, 8), morning, MOSCOW) == datetime(
        2026, 12, 8, 13, 0, tzinfo=UTC
    )


def test_the_lowest_mark_on_announced_work_that_reaches_a_target() -> None:
    fours = [(4, 1), (4, 1), (4, 1)]
    # (12 + 3x) / 6 >= 4.5 needs x = 5; a weight-2 work alone cannot lift it to 5.
    assert lowest_reaching(fours, [3], 5, DEFAULT_POLICY) == 5
    assert lowest_reaching(fours, [2], 5, DEFAULT_POLICY) is None
    assert lowest_reaching(fours, [2, 3], 5, DEFAULT_POLICY) == 5
    # Keeping a 4 reached so far takes a 3 on the test: a 2 would lose it.
    assert lowest_reaching(fours, [3], 4, DEFAULT_POLICY) == 3
    # Without marks so far, the work's mark is the term mark.
    assert lowest_reaching([], [3], 4, DEFAULT_POLICY) == 4
    ten = RegionPolicy(scale=MarkScale(minimum=1, maximum=10, passing=4, good=7))
    # (6 + 9) / 2 = 7.5 rounds to 8; (6 + 8) / 2 = 7 does not.
    assert lowest_reaching([(6, 1)], [1], 8, ten) == 9
