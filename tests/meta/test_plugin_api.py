"""The public plugin API (saas/plugins/api.py) is the whole surface a plugin imports: every
name it lists resolves, importing it imports no core module (the shell stays below core), and
the import-linter contract fails when a module under plugins/ imports anything else of
Trellis."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def test_every_public_name_resolves():
    from saas.plugins import api

    missing = [name for name in api.__all__ if not hasattr(api, name)]
    assert not missing
    assert sorted(dir(api)) == sorted(api.__all__)
    with pytest.raises(AttributeError, match="docs/plugins.md"):
        api.no_such_name  # noqa: B018


def test_the_names_are_the_core_ones_not_copies():
    from core.objects import records, registry
    from saas.plugins import api, hookimpl

    assert api.create_record is records.create_record
    assert api.ObjectSpec is registry.ObjectSpec
    assert api.hookimpl is hookimpl


def test_importing_the_api_imports_no_core_module():
    code = (
        "import sys; import saas.plugins.api; "
        "print(sorted(m for m in sys.modules if m == 'core' or m.startswith('core.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def _tree(tmp_path: Path, plugin_source: str) -> Path:
    """A copy of the layout import-linter reads (the real packages linked, not copied) with
    one plugin under plugins/ whose source is given."""
    for name in ("saas", "tenants", "core", "admin"):
        (tmp_path / name).symlink_to(ROOT / name)
    plugin = tmp_path / "plugins" / "zz_vertical"
    plugin.mkdir(parents=True)
    (tmp_path / "plugins" / "__init__.py").write_text("")
    (plugin / "__init__.py").write_text(textwrap.dedent(plugin_source))
    (tmp_path / ".importlinter").write_text((ROOT / ".importlinter").read_text())
    return tmp_path


def _lint(tree: Path) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(tree)}
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", "--contract", "plugins-use-the-public-api"],
        cwd=tree,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_plugin_that_imports_the_api_only_keeps_the_contract(tmp_path):
    tree = _tree(
        tmp_path,
        """
        from saas.plugins.api import MenuItem, hookimpl

        @hookimpl
        def register_menu_items():
            return [MenuItem("main", "Courses", "plugin_zz_vertical.index")]
        """,
    )
    result = _lint(tree)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_a_plugin_that_imports_a_core_module_breaks_the_contract(tmp_path):
    tree = _tree(
        tmp_path,
        """
        from saas.plugins.api import hookimpl
        from core.objects.records import create_record
        """,
    )
    result = _lint(tree)
    assert result.returncode != 0
    assert "plugins.zz_vertical -> core.objects.records" in result.stdout
