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


def test_a_subquery_s_list_becomes_a_subquery_in_sqlite() -> None:
    text = "SELECT a FROM t WHERE id = ANY(ARRAY(SELECT id FROM s WHERE k = $1)) AND b = ANY($2)"
    assert sql.translate(text, postgres=False) == (
        "SELECT a FROM t WHERE id IN (SELECT id FROM s WHERE k = ?1)"
        " AND b IN (SELECT value FROM json_each(?2))"
    )


async def test_a_subquery_s_list_selects_the_same_rows_in_either_database(database: str) -> None:
    login = f"sql-{uuid.uuid4().hex[:8]}"
    user = await User.create(login=login, last_name="Petrova", first_name="Anna")
    rows = await sql.fetch(
        "SELECT u.login FROM account u"
        " WHERE u.id = ANY(ARRAY(SELECT a.id FROM account a WHERE a.login = $1))",
        [login],
    )
    assert [row["login"] for row in rows] == [user.login]


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


def test_parameters_are_numbered_as_they_are_added() -> None:
    params = sql.Parameters(7)
    text = f"SELECT 1 WHERE a = $1 AND b = {params.add('x')} AND c = {params.add([1, 2])}"
    assert text == "SELECT 1 WHERE a = $1 AND b = $2 AND c = $3"
    assert params.values == [7, "x", [1, 2]]


def test_dates_and_timestamps_read_alike_from_either_database() -> None:
    assert sql.as_date("2026-11-23") == sql.as_date(date(2026, 11, 23)) == date(2026, 11, 23)
    moment = datetime(2026, 11, 23, 7, 5, 1, 250, tzinfo=UTC)
    assert sql.as_datetime("2026-11-23 07:05:01.000250+00:00") == moment
    assert sql.as_datetime("2026-11-23T10:05:01.000250+03:00") == moment
    assert sql.as_datetime(moment) == moment
    assert sql.as_datetime("2026-11-23T10:05:01.000250+03:00").tzinfo == UTC


async def test_dates_and_times_read_as_the_models_read_them(database: str) -> None:
    login = f"sql-{uuid.uuid4().hex[:8]}"
    user = await User.create(login=login, last_name="Orlova", first_name="Vera")
    expires = datetime(2026, 12, 1, 9, 30, 15, 250000, tzinfo=UTC)
    session = await Session.create(
        token_hash=token_digest(login), user=user, kind="bearer", expires_at=expires
    )
    stored = await Session.get(id=session.id)
    rows = await sql.fetch(
        "SELECT s.expires_at, s.created_at,"
        " json_build_array(s.expires_at, s.created_at, CAST($2 AS TEXT)) AS nested"
        " FROM login_session s WHERE s.id = $1",
        [session.id, "2026-12-01"],
    )
    expires_at, created_at, nested = rows[0]
    inside = sql.json_rows(nested)
    for found in (expires_at, inside[0]):
        assert sql.as_datetime(found) == stored.expires_at == expires
        assert sql.as_datetime(found).utcoffset() == stored.expires_at.utcoffset()
    for found in (created_at, inside[1]):
        assert sql.as_datetime(found) == stored.created_at
    assert sql.as_date(inside[2]) == date(2026, 12, 1)
    assert sql.as_date(date(2026, 12, 1)) == date(2026, 12, 1)


def test_a_timestamp_without_an_offset_is_utc() -> None:
    assert sql.as_datetime("2026-12-01 09:30:00") == datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
