"""Adversarial pass, finding A3 (medium): a live diary kept the grant it was opened with.

`diaryUpdates` decided once, at subscription, what the viewer may see of the student, and
kept sending on that decision for as long as the connection lived (hours): a parent whose
guardianship was ended (a court order, a wrong link undone by the school) still received
the child's new marks live, though every query already answered NOT_FOUND. Each update is
now sent only if the viewer's grant, loaded afresh, still shows it; a subscription whose
grant is gone completes.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from ediary.domain import models
from tests.security.test_websocket_session_end import (
    POST,
    SLOW_SWEEP,
    UPDATES,
    _connected,
    _env,
    _family,
    _http,
    _subscribe,
    _token,
)
from tests.servers import Server, next_payload
from tests.world import World


async def _received(ws: Any, within: float) -> list[dict[str, Any]]:
    """Every message until `within` seconds pass quietly or the subscription completes."""
    found = []
    try:
        while True:
            message = json.loads(await asyncio.wait_for(ws.recv(), within))
            found.append(message)
            if message["type"] == "complete":
                return found
    except TimeoutError:
        return found


async def test_a_parent_unlinked_from_the_child_gets_no_more_updates(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await _family(world)
    parent, teacher = await _token(family.parent), await _token(family.teacher)
    async with (
        Server(_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        _connected(server, parent) as ws,
    ):
        await _subscribe(ws, "1", UPDATES, family.updates)
        await asyncio.sleep(0.5)
        posted = await _http(server, POST, family.mark_input(4), teacher)
        assert posted["postMark"]["userErrors"] == []
        assert (await next_payload(ws))["diaryUpdates"]["mark"] == {"value": 4}

        # The school undoes the link; the parent's session lives on.
        await models.Guardianship.filter(parent=family.parent, student=family.student).delete()
        posted = await _http(server, POST, family.mark_input(2), teacher)
        assert posted["postMark"]["userErrors"] == []
        received = await _received(ws, within=2.0)
        assert [m for m in received if m["type"] == "next"] == [], received
