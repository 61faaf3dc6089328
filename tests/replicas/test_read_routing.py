"""Which GraphQL requests may read on a replica: queries, and nothing else."""

from __future__ import annotations

import pytest

from ediary.web.read_routing import is_query

TOKENS = 2000


@pytest.mark.parametrize(
    ("document", "operation_name", "expected"),
    [
        ("{ viewer { id } }", None, True),
        ("query Week { viewer { id } }", None, True),
        ("mutation { logout { ok } }", None, False),
        ("subscription { diaryUpdates(studentId: 1) { kind } }", None, False),
        # The operation named picks; two without a name cannot be told apart.
        ("query A { viewer { id } } mutation B { logout { ok } }", "A", True),
        ("query A { viewer { id } } mutation B { logout { ok } }", "B", False),
        ("query A { viewer { id } } mutation B { logout { ok } }", None, False),
        ("query A { viewer { id } }", "C", False),
        ("{ viewer {", None, False),
    ],
)
def test_only_queries_may_read_on_a_replica(
    document: str, operation_name: str | None, expected: bool
) -> None:
    assert is_query(document, operation_name, TOKENS) is expected
    assert is_query(document, operation_name, TOKENS) is expected  # kept, same answer


def test_a_document_beyond_the_token_limit_reads_on_the_primary() -> None:
    assert is_query("{ viewer { " + "id " * 50 + "} }", None, TOKENS)
    assert not is_query("{ viewer { " + "id " * 60 + "} }", None, 10)
