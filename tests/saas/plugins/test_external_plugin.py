"""A plugin package from outside the core tree, installed from a local path, enabled for one
workspace: its object (with its own migration), field, page, menu item and API exist there
and nowhere else.

The package (tests/fixtures/trellis_academy) is copied to a temporary directory and
installed from there with ``pip install --no-deps --target`` (never into the project's
virtualenv, which other test runs share). Its models join the process-wide metadata and its
migration the schema, so the checks run in a fresh pytest process with the target on
``PYTHONPATH``: ``external_plugin_checks.py`` with the plugin installed from the start,
plus the meta tests (forced RLS on every tenant table, keys with tenant_id, the
cross-tenant sweep of every route) on a database of their own.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from tests import pg

ROOT = Path(__file__).resolve().parents[3]
FIXTURE = ROOT / "tests" / "fixtures" / "trellis_academy"
HERE = Path(__file__).resolve().parent


def _own(name: str) -> str:
    """A database name of this check's own (never the suite's or another worker's)."""
    return f"{pg.worker_database(name)}_academy"


def _environment(target: Path) -> dict:
    # PYTEST_XDIST_WORKER stays: the run takes this worker's Redis databases (tests/conftest.py)
    # while this worker waits for it; its databases get names of their own below.
    env = {k: v for k, v in os.environ.items() if k != "PYTEST_XDIST_TESTRUNUID"}
    env.pop("PYTEST_ADDOPTS", None)
    env["PYTHONPATH"] = os.pathsep.join([str(target), str(ROOT)])
    env["TRELLIS_EXTERNAL_PLUGIN"] = "academy"
    env["TRELLIS_TEST_RLS_DB"] = _own(os.environ.get("TRELLIS_TEST_RLS_DB", "trellis_test_rls"))
    for key in ("TRELLIS_TEST_DATABASE_URL", "TRELLIS_TEST_DATABASE_OWNER_URL"):
        if env.get(key):
            url = make_url(env[key])
            env[key] = url.set(database=_own(url.database)).render_as_string(hide_password=False)
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("academy") / "src"
    shutil.copytree(FIXTURE, source, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    target = tmp_path_factory.mktemp("academy_site")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
        + [str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (target / "trellis_academy" / "migrations" / "versions").is_dir()
    return target


def test_the_package_is_installed_outside_the_tree_with_its_entry_point(installed):
    (dist,) = installed.glob("trellis_academy-*.dist-info")
    assert "academy = trellis_academy" in (dist / "entry_points.txt").read_text()
    assert not (ROOT / ".venv").exists() or not list(
        (ROOT / ".venv").glob("lib/python*/site-packages/trellis_academy*")
    )


def test_enabled_for_one_workspace_it_changes_nothing_for_another(installed):
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        str(HERE / "external_plugin_checks.py"),
        str(ROOT / "tests" / "meta" / "test_rls.py"),
        str(ROOT / "tests" / "meta" / "test_schema_rules.py"),
        str(ROOT / "tests" / "meta" / "test_cross_tenant_sweep.py"),
    ]
    result = subprocess.run(
        command,
        cwd=ROOT,
        env=_environment(installed),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert " passed" in result.stdout.splitlines()[-1]
