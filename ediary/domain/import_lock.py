"""One import at a time into a school or a region: a second one is refused, not queued.

Two imports of one school at once would each read the school's rows, decide, and write on
top of the other's decisions (two accounts for one pupil, a class renamed back). The core
runs every import in `import_transaction`, which claims the reach's schools and regions for
as long as the transaction lasts, or refuses with `ImportAlreadyRunning`:

- a school is claimed alone, and its region is claimed *shared*, so that imports of two
  schools of one region run side by side while an import of the whole region waits for
  neither: it claims the region alone and is refused while any of its schools is importing
  (and the other way round);
- on PostgreSQL the claims are transaction-level advisory locks (`pg_try_advisory_xact_lock`
  and its `_shared` form), so they hold across server processes and the command line, and
  end with the transaction whatever way it ends (commit, rollback, a dropped connection);
- SQLite has one writer at a time anyway: a transaction of ours takes the write lock when it
  begins (ediary.sqlite_backend), so two imports never interleave, but the second would
  wait behind the first rather than be refused. Within one process (the server's API
  imports) an import is refused while any other runs, whatever its school: a process has one
  SQLite connection, which the running import holds, so the second could only wait for the
  first (and could not even look up its school's region to tell). An import from another
  process (the command line beside the server) waits for the write lock as any writer does,
  up to the busy timeout, and then runs on the first one's committed rows.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from ediary.domain.errors import DomainError
from ediary.domain.models import School
from ediary.domain.reach import Reach
from ediary.domain.sql import is_postgres

__all__ = ["ImportAlreadyRunning", "import_transaction", "refuse_if_importing"]

# The first key of our advisory locks, so that they cannot meet another program's locks on
# the same server by chance; the second key is the school's id or the region code's CRC-32.
SCHOOL_LOCKS = 0x4544_0001
REGION_LOCKS = 0x4544_0002


class ImportAlreadyRunning(DomainError):
    code = "IMPORT_ALREADY_RUNNING"
    default_message = (
        "Another import into this school or region is running; start this one once it has finished."
    )


@dataclass(frozen=True, order=True)
class _Claim:
    namespace: int
    key: int
    shared: bool


def _region_key(code: str) -> int:
    """A region code as a signed 32-bit key. Two codes with one CRC only make their imports
    wait for each other, which is safe."""
    unsigned = zlib.crc32(code.encode("utf-8"))
    return unsigned - 2**32 if unsigned >= 2**31 else unsigned


async def _claims(reach: Reach) -> list[_Claim]:
    claims = {_Claim(SCHOOL_LOCKS, school, shared=False) for school in reach.schools}
    claims |= {_Claim(REGION_LOCKS, _region_key(code), shared=False) for code in reach.regions}
    their_regions = await School.filter(id__in=sorted(reach.schools)).values_list(
        "region__code", flat=True
    )
    for code in their_regions:
        key = _region_key(str(code))
        if _Claim(REGION_LOCKS, key, shared=False) not in claims:
            claims.add(_Claim(REGION_LOCKS, key, shared=True))
    return sorted(claims)


async def _lock_in_postgres(connection: BaseDBAsyncClient, claims: list[_Claim]) -> None:
    # Try-locks never wait, so the order cannot deadlock; the ones taken before a refusal
    # are let go when the caller's transaction ends.
    for claim in claims:
        function = "pg_try_advisory_xact_lock" + ("_shared" if claim.shared else "")
        rows = await connection.execute_query_dict(
            f"SELECT {function}($1, $2) AS taken", [claim.namespace, claim.key]
        )
        if not rows[0]["taken"]:
            raise ImportAlreadyRunning()


# SQLite: whether an import of this process is running.
_importing_here = False


@contextmanager
def _claimed_in_process() -> Iterator[None]:
    global _importing_here
    if _importing_here:
        raise ImportAlreadyRunning()
    _importing_here = True
    try:
        yield
    finally:
        _importing_here = False


@asynccontextmanager
async def import_transaction(reach: Reach) -> AsyncIterator[BaseDBAsyncClient]:
    """A transaction in which no other import into the reach's schools and regions runs;
    raises ImportAlreadyRunning, having changed nothing, while one does."""
    if is_postgres(connections.get("default")):
        claims = await _claims(reach)
        async with in_transaction() as connection:
            await _lock_in_postgres(connection, claims)
            yield connection
    else:
        # Claimed before the transaction begins: within this process a second transaction
        # would wait for the first one's lock, not be refused.
        with _claimed_in_process():
            async with in_transaction() as connection:
                yield connection


async def refuse_if_importing(reach: Reach) -> None:
    """Raise ImportAlreadyRunning when an import into the reach is running now, so that an
    import started in the background can be refused before it is queued."""
    if is_postgres(connections.get("default")):
        claims = await _claims(reach)
        async with in_transaction() as connection:
            await _lock_in_postgres(connection, claims)
    elif _importing_here:
        raise ImportAlreadyRunning()
