"""The garbage collector as a served process sets it: what existed at startup frozen, young
objects collected less often. (An application's lifespan is not run here: it would move the
suite's database connections to another event loop.)"""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from ediary import app as app_module
from ediary.server import collector


@pytest.fixture
def restored_collector() -> Iterator[None]:
    """The test process's own collector settings, put back after the test."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


@pytest.mark.usefixtures("restored_collector")
def test_tune_freezes_what_exists_and_spaces_young_collections_out() -> None:
    existing = object()
    collector.tune()
    assert gc.get_freeze_count() > 0
    assert not gc.is_tracked(existing)  # a bare object is never tracked; the frozen count is
    assert gc.get_threshold()[0] == collector.YOUNG_THRESHOLD
    created_after = [[]]
    assert gc.is_tracked(created_after)  # what comes later is collected as before


def test_ediary_serve_builds_the_application_that_tunes_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    built: list[dict[str, object]] = []
    monkeypatch.setattr(app_module, "create_app", lambda **kwargs: built.append(kwargs))
    app_module.create_served_app()
    assert built == [{"tune_collector": True}]
