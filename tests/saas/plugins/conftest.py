"""A core area that exists only for one test: ``core/<name>/hooks.py`` written to a temporary
directory on ``core``'s package path, found by the manager's scan like any real area."""

from __future__ import annotations

import importlib
import sys
import textwrap

import pytest


@pytest.fixture
def make_area(tmp_path, monkeypatch):
    """``make_area(name, hooks_source, **modules)`` adds ``core/<name>/`` with that
    ``hooks.py`` (and any other modules, by name); all are forgotten after the test."""
    import core

    made: list[str] = []

    def make(name: str, hooks: str, **modules: str) -> str:
        area = tmp_path / "core" / name
        area.mkdir(parents=True)
        (area / "__init__.py").write_text("")
        (area / "hooks.py").write_text(textwrap.dedent(hooks))
        for module, source in modules.items():
            (area / f"{module}.py").write_text(textwrap.dedent(source))
        if str(tmp_path / "core") not in core.__path__:
            monkeypatch.setattr(core, "__path__", [*core.__path__, str(tmp_path / "core")])
        importlib.invalidate_caches()
        made.append(f"core.{name}")
        return f"core.{name}"

    yield make
    for package in made:
        for loaded in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            sys.modules.pop(loaded, None)
    importlib.invalidate_caches()


@pytest.fixture
def make_plugin(tmp_path, monkeypatch):
    """``make_plugin(name, source, module=None)`` writes an installed plugin's module to a
    temporary directory on ``sys.path`` and lists it in the ``trellis.plugins`` entry-point
    group (as a package's metadata would); apps built afterwards load it. Plugins made
    here declare no models (those are the external package's test: test_external_plugin.py).
    """
    from importlib.metadata import EntryPoint

    from saas.plugins import manager

    root = tmp_path / "installed_plugins"
    root.mkdir(exist_ok=True)
    monkeypatch.syspath_prepend(str(root))
    entry_points: list = []
    monkeypatch.setattr(manager, "plugin_entry_points", lambda: list(entry_points))
    made: list[str] = []

    def make(name: str, source: str, *, module: str | None = None) -> str:
        module = module or f"zz_plugin_{name}"
        (root / f"{module}.py").write_text(textwrap.dedent(source))
        importlib.invalidate_caches()
        entry_points.append(EntryPoint(name=name, value=module, group=manager.ENTRY_POINT_GROUP))
        made.append(module)
        return module

    yield make
    for module in made:
        sys.modules.pop(module, None)
    importlib.invalidate_caches()
