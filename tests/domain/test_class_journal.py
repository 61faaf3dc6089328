"""The class journal service: who gets the grid, and averages under the region policy."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ediary.domain.access import load_viewer
from ediary.domain.class_journal import ClassJournal, load_class_journal
from ediary.domain.enums import WorkKind
from ediary.domain.errors import NotFound
from ediary.domain.grading import RegionPolicy
from tests.world import World


async def _journal(world: World, who: str, policy: RegionPolicy | None = None) -> ClassJournal:
    viewer = await load_viewer(world.users[who])
    return await load_class_journal(
        viewer,
        world.id("class_7a"),
        world.id("math"),
        world.id("term2_A"),
        (lambda region: policy) if policy else (lambda region: RegionPolicy()),
    )


async def test_averages_count_only_the_kinds_the_region_counts(world: World) -> None:
    tests_only = RegionPolicy(code="tests-only", counted_kinds=frozenset({WorkKind.TEST}))
    journal = await _journal(world, "class_teacher", tests_only)
    rows = {row.student.login: row for row in journal.rows}
    pupil = rows["student"].average
    # The oral 5 is still in its cell but does not count; the test 3 (weight 2) does.
    assert (pupil.average, pupil.mark_count, pupil.weight_total, pupil.forecast) == (
        Fraction(3),
        1,
        2,
        3,
    )
    everything = await _journal(world, "class_teacher")
    pupil_all = {r.student.login: r for r in everything.rows}["student"].average
    assert pupil_all.average == Fraction(11, 3) and pupil_all.forecast == 4


@pytest.mark.parametrize("who", ["parent", "student", "russian_teacher", "nurse", "other_admin"])
async def test_others_get_not_found(world: World, who: str) -> None:
    with pytest.raises(NotFound):
        await _journal(world, who)
