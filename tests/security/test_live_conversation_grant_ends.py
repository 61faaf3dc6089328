"""Adversarial pass, gap of "grants follow time" (medium): a live conversation kept the
permission it was opened with.

`conversationUpdates` decided once, at subscription, which threads the viewer takes part in,
and kept sending on that decision for as long as the connection lived (hours): a parent
unlinked from the child (the guardianship deleted) still received the teacher's messages in
the thread about that child live, though every query already answered NOT_FOUND. Each update
is now sent only if the viewer, loaded afresh, still sees the conversation; a subscription to
one conversation the viewer no longer sees completes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from strawberry.relay import to_base64

from ediary.domain import models
from tests.security.live import (
    SLOW_SWEEP,
    connected,
    family_school,
    post_graphql,
    received_until_quiet,
    server_env,
    subscribe,
    token_for,
)
from tests.servers import Server, listening, next_payload
from tests.talk.queries import SEND, START
from tests.world import World

UPDATES = """
subscription($id: ID) { conversationUpdates(conversationId: $id) { kind message { text } } }
"""


def _send(conversation: str, text: str) -> dict[str, Any]:
    return {"input": {"conversationId": conversation, "text": text}}


async def test_a_parent_unlinked_from_the_child_gets_no_more_messages(
    world: World, database: str, tmp_path: Path
) -> None:
    family = await family_school(world)
    parent, teacher = await token_for(family.parent), await token_for(family.teacher)
    async with (
        Server(server_env(database, **SLOW_SWEEP), tmp_path / "server.log") as server,
        connected(server, parent) as ws,
    ):
        started = await post_graphql(
            server,
            START,
            {
                "input": {
                    "studentId": to_base64("Student", family.student.id),
                    "teacherId": to_base64("Teacher", family.teacher.id),
                    "text": "May Sam skip the trip?",
                }
            },
            parent,
        )
        assert started["startConversation"]["userErrors"] == []
        conversation = started["startConversation"]["conversation"]["id"]
        # One subscription to the thread, one to every thread of the parent.
        await subscribe(ws, "one", UPDATES, {"id": conversation})
        await subscribe(ws, "all", UPDATES, {"id": None})
        await listening(server.url, at_least=2)
        sent = await post_graphql(server, SEND, _send(conversation, "Yes, he may."), teacher)
        assert sent["sendMessage"]["userErrors"] == []
        first = [await next_payload(ws), await next_payload(ws)]
        assert [p["conversationUpdates"]["message"]["text"] for p in first] == ["Yes, he may."] * 2

        # The school undoes the link; the parent's session lives on.
        await models.Guardianship.filter(parent=family.parent, student=family.student).delete()
        sent = await post_graphql(
            server, SEND, _send(conversation, "The bus leaves at 8."), teacher
        )
        assert sent["sendMessage"]["userErrors"] == []
        received = await received_until_quiet(ws, within=2.0)
        assert [m for m in received if m["type"] == "next"] == [], received
        # The subscription to the one thread ends; the one to every thread goes on, quietly.
        assert [m["id"] for m in received if m["type"] == "complete"] == ["one"], received
