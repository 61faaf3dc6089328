"""Tortoise's SQLite client, with transactions that take the write lock when they begin.

A plain `BEGIN` is deferred: the transaction reads under a shared lock and asks for the
write lock at its first write. If another process committed a write in between, SQLite
cannot upgrade the stale snapshot and fails at once with "database is locked" — the busy
timeout does not help, because waiting could never make that snapshot current. Our
transactions are mutations that read, check and then write, so two processes (or the CLI
beside the server) writing at once would make one of them fail. `BEGIN IMMEDIATE` takes the
write lock first, so the second writer waits (up to the busy timeout) and then runs on
fresh data. Reads outside transactions are not affected; WAL lets them run beside a writer.

Registered as the connection's `engine` by `ediary.db.tortoise_config`. The module name
contains "sqlite" because Tortoise's migration executor picks its SQLite schema editor by
the client class's module name.
"""

from __future__ import annotations

import sqlite3

from tortoise.backends.base.client import TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.exceptions import TransactionManagementError


class ImmediateTransactionWrapper(SqliteTransactionWrapper):
    async def begin(self) -> None:
        try:
            # Tortoise's own begin() commits first to leave any implicit transaction.
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise TransactionManagementError(error) from error


class ImmediateSqliteClient(SqliteClient):
    def _in_transaction(self) -> TransactionContext:
        return SqliteTransactionContext(ImmediateTransactionWrapper(self), self._lock)


client_class = ImmediateSqliteClient
