"""The class journal service: who gets the grid, and averages under the region policy."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ediary.domain.access import load_viewer
from ediary.domain.class_journal import ClassJournal, load_class_journal
from ediary.domain.enums import WorkKind
from ediary.domain.errors import NotFound
from ediary.domain.grading import RegionPolicy, term_mark
from ediary.domain.models import Mark
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


async def _expected(world: World, kinds: set[WorkKind] | None) -> tuple[Fraction, int, int]:
    """The student's math average this term, worked out here from the marks themselves:
    other tests add marks to the shared world, so fixed figures would depend on their order."""
    marks = await Mark.filter(
        student_id=world.id("student"),
        subject_id=world.id("math"),
        term_id=world.id("term2_A"),
        deleted_at=None,
    )
    counted = [m for m in marks if kinds is None or m.kind in kinds]
    weights = sum(m.weight for m in counted)
    return Fraction(sum(m.value * m.weight for m in counted), weights), len(counted), weights


async def test_averages_count_only_the_kinds_the_region_counts(world: World) -> None:
    tests_only = RegionPolicy(code="tests-only", counted_kinds=frozenset({WorkKind.TEST}))
    journal = await _journal(world, "class_teacher", tests_only)
    rows = {row.student.login: row for row in journal.rows}
    pupil = rows["student"].average
    # Oral marks stay in their cells but do not count under this policy.
    assert any(m.kind is not WorkKind.TEST for cell in rows["student"].cells for m in cell.marks)
    expected = await _expected(world, {WorkKind.TEST})
    assert (pupil.average, pupil.mark_count, pupil.weight_total) == expected
    assert pupil.forecast == term_mark(expected[0], tests_only)
    everything = await _journal(world, "class_teacher")
    pupil_all = {r.student.login: r for r in everything.rows}["student"].average
    assert (pupil_all.average, pupil_all.mark_count, pupil_all.weight_total) == await _expected(
        world, None
    )


@pytest.mark.parametrize("who", ["parent", "student", "russian_teacher", "nurse", "other_admin"])
async def test_others_get_not_found(world: World, who: str) -> None:
    with pytest.raises(NotFound):
        await _journal(world, who)
