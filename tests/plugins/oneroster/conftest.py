"""Each OneRoster test imports into a database of its own (`fresh`, tests/plugins/conftest.py),
so counts start from nothing."""

from __future__ import annotations

from pathlib import Path

from ediary.domain.reach import Reach

DATA = Path(__file__).parent / "data"
# The operator importing the hand-made sets: the regions of their two districts.
OPERATOR = Reach(actor_id=None, regions=frozenset({"or-77", "or-12"}), label="operator")
