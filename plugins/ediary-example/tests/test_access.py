"""The example plugin's access rules through the core's one question,
`ediary.domain.access.plugin_action_allowed`: a matrix of viewers against greetings, and the
mutation that asks it."""

from __future__ import annotations

import pytest

from ediary.adapters import PluginManager
from ediary.adapters.access import plugin_rules
from ediary.adapters.lifecycle import Lifecycle
from ediary.config import Settings
from ediary.domain.access import ANONYMOUS, Viewer, plugin_action_allowed
from ediary.domain.enums import Role
from ediary.domain.models import User
from ediary.testing import PASSWORD, GraphQLClient, SmallWorld
from ediary_example.models import Greeting
from ediary_example.plugin import READ_GREETING, REMOVE_GREETING

# A parent's viewer carries the region's window (here none): the server's policy gives it.
AUTHOR = Viewer(user_id=101, roles=frozenset({Role.PARENT}), parent_lookback=lambda region: None)
OTHER_PARENT = Viewer(
    user_id=102, roles=frozenset({Role.PARENT}), parent_lookback=lambda region: None
)
SCHOOL_ADMIN = Viewer(
    user_id=103, roles=frozenset({Role.SCHOOL_ADMIN}), admin_schools=frozenset({1})
)
OFFICIAL = Viewer(user_id=104, roles=frozenset({Role.REGIONAL_OFFICIAL}))

# (viewer, action, on the author's greeting, on an imported greeting without an author)
MATRIX = [
    (ANONYMOUS, READ_GREETING, True, True),
    (ANONYMOUS, REMOVE_GREETING, False, False),
    (AUTHOR, REMOVE_GREETING, True, False),
    (OTHER_PARENT, READ_GREETING, True, True),
    (OTHER_PARENT, REMOVE_GREETING, False, False),
    (SCHOOL_ADMIN, REMOVE_GREETING, False, False),
    (OFFICIAL, REMOVE_GREETING, True, True),
    # An action no rule answers is refused: default deny.
    (OFFICIAL, "example.rename_greeting", False, False),
]


@pytest.mark.parametrize(("viewer", "action", "authored", "imported"), MATRIX)
async def test_who_may_do_what_with_a_greeting(
    plugin_manager: PluginManager,
    database: str,
    viewer: Viewer,
    action: str,
    authored: bool,
    imported: bool,
) -> None:
    rules = plugin_rules(plugin_manager, Settings())
    mine, anonymous = (
        Greeting(text="mine", author_id=AUTHOR.user_id),
        Greeting(text="imported", author_id=None),
    )
    assert await plugin_action_allowed(viewer, action, mine, rules) is authored
    assert await plugin_action_allowed(viewer, action, anonymous, rules) is imported


async def test_the_core_names_are_not_the_plugins_to_answer(
    plugin_manager: PluginManager, database: str
) -> None:
    rules = plugin_rules(plugin_manager, Settings())
    for action in ("diary.read_marks", "remove_greeting", "example."):
        with pytest.raises(ValueError):
            await plugin_action_allowed(OFFICIAL, action, Greeting(text="x", author_id=None), rules)


async def test_removing_a_greeting_asks_the_rules(
    graphql: GraphQLClient, world: SmallWorld
) -> None:
    author = await graphql.login(world.teacher.login, PASSWORD)
    other = await graphql.login(world.parent.login, PASSWORD)
    add = 'mutation { addExampleGreeting(input: {text: "Salut"}) { userErrors { code } } }'
    remove = """mutation { removeExampleGreeting(input: {text: "Salut"}) {
        removed userErrors { code } } }"""
    assert (await author(add))["data"] == {"addExampleGreeting": {"userErrors": []}}
    refused = (await other(remove))["data"]["removeExampleGreeting"]
    assert refused == {"removed": False, "userErrors": [{"code": "FORBIDDEN"}]}
    assert await Greeting.exists(text="Salut")
    done = (await author(remove))["data"]["removeExampleGreeting"]
    assert done == {"removed": True, "userErrors": []}
    gone = (await author(remove))["data"]["removeExampleGreeting"]
    assert gone == {"removed": False, "userErrors": [{"code": "NOT_FOUND"}]}


async def test_a_deactivated_authors_greetings_stay_without_an_author(
    plugin_manager: PluginManager, database: str
) -> None:
    author = await User.create(login="leaving.author", last_name="L", first_name="A")
    await Greeting.create(text="Goodbye", author=author)
    await Lifecycle(plugin_manager, Settings()).deactivate_account(author.id)
    assert (await Greeting.get(text="Goodbye")).author_id is None
    # The suite shares one database: leave no greeting behind for the import test.
    await Greeting.filter(text="Goodbye").delete()
