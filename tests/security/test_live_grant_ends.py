"""Adversarial pass, finding A3 (medium): a live diary kept the grant it was opened with.

`diaryUpdates` decided once, at subscription, what the viewer may see of the student, and
kept sending on that decision for as long as the connection lived (hours): a parent whose
guardianship was ended (a court order, a wrong link undone by the school) still received
the child's new marks live, though every query already answered NOT_FOUND. Each update is
now sent only if the viewer's grant, loaded afresh, still shows it; a subscription whose
grant is gone completes.
"""

from __future__ import annotations

from pathlib import Path

from ediary.domain import models
from tests.security.live import (
    POST,
    SLOW_SWEEP,
    UPDATES,
    connected,
    family_school,
    post_graphql,
    received_until_quiet,
    server_env,
    subscribe,
    token_for,
)
from tests.servers import Server, listening, next_payload
from tests.world import World


async def test_a_parent_unlinked_from_the_child_gets_no_more_updates(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await family_school(world)
    parent, teacher = await token_for(family.parent), await token_for(family.teacher)
    async with (
        Server(server_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        connected(server, parent) as ws,
    ):
        await subscribe(ws, "1", UPDATES, family.updates)
        await listening(server.url, at_least=1)
        posted = await post_graphql(server, POST, family.mark_input(4), teacher)
        assert posted["postMark"]["userErrors"] == []
        assert (await next_payload(ws))["diaryUpdates"]["mark"] == {"value": 4}

        # The school undoes the link; the parent's session lives on.
        await models.Guardianship.filter(parent=family.parent, student=family.student).delete()
        posted = await post_graphql(server, POST, family.mark_input(2), teacher)
        assert posted["postMark"]["userErrors"] == []
        received = await received_until_quiet(ws, within=2.0)
        assert [m for m in received if m["type"] == "next"] == [], received
