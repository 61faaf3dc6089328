"""Loading plugins from entry points: the allow-list, versions and hooks in `ediary plugins`,
and broken plugins named at start-up, with the server refusing to start."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from ediary.adapters import PluginError, describe, load_plugins
from ediary.cli import main


def _distribution(root: Path, name: str, version: str, module: str, source: str) -> None:
    """An installed distribution, as pip leaves it: a module and its dist-info."""
    (root / f"{module}.py").write_text(textwrap.dedent(source))
    info = root / f"{name}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    (info / "entry_points.txt").write_text(f"[ediary]\n{name} = {module}\n")


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three plugins on the path: one that works, one that fails to import, one with a typo."""
    _distribution(
        tmp_path,
        "probe_ok",
        "1.2.3",
        "probe_ok_plugin",
        """
        from ediary.adapters import LoginFlow, hookimpl

        @hookimpl
        def login_flows():
            return [LoginFlow(id="probe-ok", title="Probe")]
        """,
    )
    _distribution(
        tmp_path,
        "broken",
        "0.0.1",
        "broken_plugin",
        """
        raise ImportError("No module named 'regional_sdk'")
        """,
    )
    _distribution(
        tmp_path,
        "typo",
        "0.0.2",
        "typo_plugin",
        """
        from ediary.adapters import hookimpl

        @hookimpl
        def login_flow():
            return []
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("EDIARY_DATABASE_URL", f"sqlite://{tmp_path / 'unused.sqlite3'}")
    return tmp_path


def test_the_allow_list_chooses_what_loads(installed: Path) -> None:
    manager = load_plugins(["probe_ok"])
    found = {info.name: info for info in describe(manager)}
    assert set(found) == {"ediary.email", "ediary.password", "ediary.policy", "probe_ok"}
    assert (found["probe_ok"].version, found["probe_ok"].hooks) == ("1.2.3", ("login_flows",))
    assert found["ediary.password"].builtin and not found["probe_ok"].builtin
    assert [f.id for group in manager.hook.login_flows(settings=None) for f in group] == [
        "probe-ok",
        "password",
    ]


def test_a_plugin_that_fails_to_import_is_named(installed: Path) -> None:
    with pytest.raises(PluginError) as raised:
        load_plugins(["probe_ok", "broken"])
    assert raised.value.plugin == "broken"
    assert str(raised.value) == (
        "plugin 'broken' failed: ImportError: No module named 'regional_sdk'"
    )


def test_an_allowed_plugin_that_is_not_installed_is_named(installed: Path) -> None:
    with pytest.raises(PluginError, match=r"plugin 'kazan' failed: not installed"):
        load_plugins(["probe_ok", "kazan"])


def test_a_hook_that_matches_no_specification_is_named(installed: Path) -> None:
    with pytest.raises(PluginError, match=r"plugin 'typo' failed: .*login_flow") as raised:
        load_plugins(["typo"])
    assert raised.value.plugin == "typo"


def test_ediary_plugins_lists_versions_and_hooks(
    installed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("EDIARY_PLUGINS", "probe_ok,dnevnik")
    assert main(["plugins"]) == 0
    out = capsys.readouterr().out
    assert "ediary.password 0.1.0 (built in)\n    hooks: login_flows\n" in out
    assert "probe_ok 1.2.3\n    hooks: login_flows\n" in out
    assert "dnevnik 0.1.0\n    hooks: database_models, graphql_schema, http_routes" in out
    assert "broken" not in out


def test_serve_and_migrate_refuse_to_start_with_a_broken_plugin(
    installed: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("EDIARY_PLUGINS", raising=False)
    for command in ("serve", "migrate", "plugins"):
        assert main([command]) == 2
        err = capsys.readouterr().err
        assert "plugin 'broken' failed: ImportError: No module named 'regional_sdk'" in err
    assert not (installed / "unused.sqlite3").exists()


def test_import_names_the_backends_it_knows(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("EDIARY_PLUGINS", "dnevnik")
    assert main(["import", "oneroster", str(tmp_path)]) == 2
    assert "no import backend 'oneroster' (known: none installed)" in capsys.readouterr().err
