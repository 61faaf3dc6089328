"""The students whose own records (marks, attendance, remarks) a request read, as the domain
declares them, so that a kept answer can be checked against those students' versions only
(`ediary.domain.dataversion`).

Whoever wants to know opens `collecting()` around the work; a domain function that reads
a student's scoped rows calls `declare_student` before it reads them. Nothing is recorded
outside `collecting()`. A declaration says which students' rows were read, not that nothing
else was: whoever uses it must also know that the work read scoped rows only through
functions that declare them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

# One set per request, shared by reference with the tasks the request starts (each copies
# the context, not the set).
_students: ContextVar[set[int] | None] = ContextVar("ediary_read_students", default=None)


@contextmanager
def collecting() -> Iterator[set[int]]:
    """Collect the students declared while the block runs."""
    found: set[int] = set()
    token = _students.set(found)
    try:
        yield found
    finally:
        _students.reset(token)


def declare_student(student_id: int) -> None:
    """Record that this student's scoped rows are being read (no-op when nobody collects)."""
    found = _students.get()
    if found is not None:
        found.add(student_id)
