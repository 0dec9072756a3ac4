"""The image installs the package with ``pip install .``: the wheel must carry every template,
static file and migration, or production breaks where development (an editable install)
works."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("saas", "tenants", "core", "admin", "plugins")
_DATA_FOLDERS = ("templates", "static", "migrations", "translations")


def _data_files() -> set[str]:
    wanted = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if not path.is_file() or "__pycache__" in path.parts:
                continue
            relative = path.relative_to(ROOT).as_posix()
            if any(f"/{part}/" in relative for part in _DATA_FOLDERS):
                wanted.add(relative)
    return wanted


def test_wheel_carries_templates_static_files_migrations_and_translations(tmp_path):
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), "."],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("trellis_crm-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    wanted = _data_files()
    assert any(name.endswith(".html") for name in wanted)
    assert any(name.endswith("zh_Hans/LC_MESSAGES/messages.po") for name in wanted)
    assert not sorted(wanted - names)


def test_dockerfile_copies_every_package():
    dockerfile = (ROOT / "Dockerfile").read_text()
    for package in PACKAGES:
        assert f"COPY {package} {package}" in dockerfile
