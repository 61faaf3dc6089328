"""The hash chain under concurrent writers, and what `verify` finds when rows are edited."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from ediary.domain.access import load_viewer
from ediary.domain.journal import marks
from ediary.domain.journal.base import WriteContext
from ediary.domain.journal.history import canonical, verify
from ediary.domain.models import MarkEvent
from tests import builders
from tests.conftest import TODAY
from tests.journal.conftest import Class8


async def _writer(class8: Class8) -> WriteContext:
    viewer = await load_viewer(class8.world.users["math_teacher"], builders.no_window, TODAY)
    return WriteContext(viewer=viewer, now=datetime.now(UTC), today=TODAY)


async def test_concurrent_writers_extend_one_chain(class8: Class8) -> None:
    ctx = await _writer(class8)
    batches = [
        marks.MarkBatchInput(
            lesson_id=class8.ids[f"math{day}"],
            entries=[marks.MarkEntry(class8.ids["s8_vera"], 3 + day % 3)],
        )
        for day in range(5)
    ]
    await asyncio.gather(*(marks.post_marks(ctx, b) for b in batches))
    verdict = await verify()
    assert verdict.ok, verdict.finding
    seqs = [e.seq for e in await MarkEvent.all().order_by("seq")]
    assert seqs == list(range(1, len(seqs) + 1))


async def test_verify_names_an_altered_event(class8: Class8) -> None:
    ctx = await _writer(class8)
    batch = marks.MarkBatchInput(
        lesson_id=class8.ids["math0"], entries=[marks.MarkEntry(class8.ids["s8_vera"], 4)]
    )
    posted = (await marks.post_marks(ctx, batch)).value[0]
    event = await MarkEvent.get(mark_id=posted.id)
    await MarkEvent.filter(id=event.id).update(new_value=5)
    try:
        verdict = await verify()
        assert verdict.finding is not None
        assert verdict.finding.event_seq == event.seq
        assert verdict.finding.message == f"event #{event.seq} was altered: its hash differs"
    finally:
        await MarkEvent.filter(id=event.id).update(new_value=4)
    assert (await verify()).ok


def test_canonical_form_is_the_one_the_chain_began_with() -> None:
    """Hashes already stored were made from `json` output; the encoder must not move a byte."""
    reference = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # Every character of the Basic Multilingual Plane's first blocks (control characters,
    # Latin, Cyrillic, punctuation, line separators) and some beyond it, in comments.
    texts = [chr(code) for code in range(0x3000) if not 0xD800 <= code <= 0xDFFF]
    texts += ["\u2028\u2029", "😀 отлично", "\U0010ffff", "", 'quote " and \\ slash']
    for text in texts:
        content = {
            "seq": 2**62,
            "mark": 7,
            "old": [None, None, None, None],
            "new": [5, 2, "test", text],
            "reason": text,
            "at": "2026-12-06T10:00:00.000000+00:00",
        }
        assert canonical(content) == reference.encode(content).encode(), repr(text)
