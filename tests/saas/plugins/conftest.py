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
