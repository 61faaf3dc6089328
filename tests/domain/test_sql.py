"""Hand-written statements run alike on PostgreSQL and SQLite."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from ediary.domain import sql
from ediary.domain.auth import token_digest
from ediary.domain.models import Session, User


def test_postgres_text_is_left_as_written() -> None:
    text = "SELECT json_agg(x) FROM t WHERE id = ANY($1) AND d >= $2"
    assert sql.translate(text, postgres=True) == text


def test_sqlite_gets_its_own_spelling() -> None:
    text = (
        "SELECT COALESCE(json_agg(json_build_object('a', a, 'b', json_build_array(b, c))), '[]')"
        " FROM t WHERE id = ANY($1) AND d >= $2 AND e = $2"
    )
    assert sql.translate(text, postgres=False) == (
        "SELECT COALESCE(json_group_array(json_object('a', a, 'b', json_array(b, c))), '[]')"
        " FROM t WHERE id IN (SELECT value FROM json_each(?1)) AND d >= ?2 AND e = ?2"
    )


async def test_lists_dates_and_nested_rows_round_trip(database: str) -> None:
    login = f"sql-{uuid.uuid4().hex[:8]}"
    user = await User.create(login=login, last_name="Petrova", first_name="Anna")
    expires = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    for kind in ("bearer", "cookie"):
        await Session.create(
            token_hash=token_digest(f"{login}-{kind}"), user=user, kind=kind, expires_at=expires
        )
    rows = await sql.fetch(
        "SELECT u.login,"
        " COALESCE((SELECT json_agg(json_build_object("
        "   'kind', s.kind, 'live', s.revoked_at IS NULL))"
        "  FROM login_session s WHERE s.user_id = u.id AND s.expires_at > $2), '[]') AS sessions"
        " FROM account u WHERE u.id = ANY($1)",
        [{user.id, 0}, expires - timedelta(days=1)],
    )
    assert len(rows) == 1
    assert rows[0]["login"] == login
    sessions = sorted(sql.json_rows(rows[0]["sessions"]), key=lambda s: s["kind"])
    assert [(s["kind"], sql.as_bool(s["live"])) for s in sessions] == [
        ("bearer", True),
        ("cookie", True),
    ]
    none = await sql.fetch(
        "SELECT COALESCE((SELECT json_agg(s.kind) FROM login_session s WHERE s.user_id = $1"
        " AND s.expires_at > $2), '[]') AS sessions",
        [user.id, expires],
    )
    assert sql.json_rows(none[0]["sessions"]) == []


async def test_timestamps_and_dates_come_back_aware_and_typed(database: str) -> None:
    login = f"sql-{uuid.uuid4().hex[:8]}"
    user = await User.create(login=login, last_name="Petrova", first_name="Anna")
    expires = datetime(2026, 12, 1, 9, 30, 15, 250000, tzinfo=UTC)
    await Session.create(
        token_hash=token_digest(login), user=user, kind="bearer", expires_at=expires
    )
    rows = await sql.fetch(
        "SELECT s.expires_at, s.revoked_at,"
        " json_build_array('2026-09-01') AS days"
        " FROM login_session s WHERE s.token_hash = $1",
        [token_digest(login)],
    )
    assert sql.as_datetime(rows[0]["expires_at"]) == expires
    assert sql.as_datetime(rows[0]["revoked_at"]) is None
    assert [sql.as_date(day) for day in sql.json_rows(rows[0]["days"])] == [date(2026, 9, 1)]


def test_a_timestamp_without_an_offset_is_utc() -> None:
    assert sql.as_datetime("2026-12-01 09:30:00") == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
    assert sql.as_date(date(2026, 9, 1)) == date(2026, 9, 1)
    assert sql.as_date(None) is None
