"""Every environment variable in the configuration table of docs/operations.md is read by
saas/config.py, and every variable saas/config.py reads is in that table, so an operator
who follows the table sets nothing that is ignored and misses nothing."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READERS = {"get", "_bool", "_json_setting"}


def _read_by_config() -> set[str]:
    tree = ast.parse((ROOT / "saas" / "config.py").read_text())
    names = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        first = node.args[0]
        if name in READERS and isinstance(first, ast.Constant) and isinstance(first.value, str):
            if name == "get" and "environ" not in ast.unparse(func):
                continue
            names.add(first.value)
    return names


def _documented() -> set[str]:
    text = (ROOT / "docs" / "operations.md").read_text()
    section = text.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names.update(re.findall(r"`([A-Z][A-Z0-9_]*)`", first_cell))
    return names


def test_config_reads_variables():
    assert {"SECRET_KEY", "DATABASE_URL", "TRELLIS_ENV"} <= _read_by_config()


def test_every_documented_variable_is_read():
    assert _documented() - _read_by_config() == set()


def test_every_variable_read_is_documented():
    assert _read_by_config() - _documented() == set()
