"""A core area that exists only for one test: core/zz_fakearea/hooks.py with given source,
found by the manager's package scan like any real area (see test_blueprints.py)."""

from __future__ import annotations

import contextlib
import importlib
import sys
import textwrap


@contextlib.contextmanager
def fake_area(tmp_path, monkeypatch, hooks_source: str):
    area = tmp_path / "core" / "zz_fakearea"
    area.mkdir(parents=True)
    (area / "__init__.py").write_text("")
    (area / "hooks.py").write_text(textwrap.dedent(hooks_source))
    import core

    monkeypatch.setattr(core, "__path__", [*core.__path__, str(tmp_path / "core")])
    importlib.invalidate_caches()
    try:
        yield
    finally:
        sys.modules.pop("core.zz_fakearea.hooks", None)
        sys.modules.pop("core.zz_fakearea", None)
        importlib.invalidate_caches()


@contextlib.contextmanager
def app_with(config):
    """An app built now (so with whatever fake area is present); its engine disposed."""
    from saas.app import create_app
    from saas.db import db

    app = create_app(config)
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
