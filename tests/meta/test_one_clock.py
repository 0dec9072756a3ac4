"""One clock: application code reads the time from ``saas.clock`` and nowhere else.

Every module under saas/, tenants/, core/, admin/ and plugins/ is parsed, its imports
resolved (``import datetime as dt``, ``from datetime import date``, ``from time import
time``...) and every call to a wall-clock reader is refused outside ``saas/clock.py``: a date
taken from ``datetime.now()`` or ``date.today()`` cannot be moved by ``clock.travel`` or
``pytest --clock``, so code that reads it passes or fails by the hour the suite runs at.
``time.monotonic()`` and ``time.perf_counter()`` measure durations and stay allowed.
``saas.db.utcnow`` is the column default (passed, not called); code calls ``clock.now()``.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("saas", "tenants", "core", "admin", "plugins")
THE_CLOCK = "saas/clock.py"

WALL_CLOCK = {
    "datetime.datetime.now": "clock.now()",
    "datetime.datetime.utcnow": "clock.now()",
    "datetime.datetime.today": "clock.now()",
    "datetime.date.today": "clock.today(zone)",
    "time.time": "clock.now().timestamp()",
    "time.time_ns": "clock.now()",
    "time.localtime": "clock.now()",
    "time.gmtime": "clock.now()",
    "time.ctime": "clock.now()",
    "saas.db.utcnow": "clock.now() (saas.db.utcnow is for column defaults)",
}

# (module, call) -> why it must read the real clock. Keep it short; every entry is checked
# to still be needed, so a fixed module leaves the list.
ALLOWED = {
    ("saas/ids.py", "time.time_ns"): (
        "UUIDv7 ids carry the real creation millisecond and must stay unique and increasing; "
        "a test that moves the clock back must not reorder or collide ids, and no business "
        "rule reads an id's time"
    ),
    ("saas/ratelimit.py", "time.time"): (
        "Retry-After is the limits library's reset_at (a time.time() reading taken by the "
        "library itself) minus the same clock now: a difference of two readings of one clock"
    ),
}


def _imports(tree: ast.Module, module: str) -> dict[str, str]:
    """Local name -> what it stands for, from the module's imports."""
    names: dict[str, str] = {}
    package = module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    names[alias.asname] = alias.name
                else:
                    top = alias.name.split(".")[0]
                    names[top] = top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x / from .db import utcnow
                parts = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*parts, base] if base else parts)
            for alias in node.names:
                names[alias.asname or alias.name] = f"{base}.{alias.name}"
    return names


def _dotted(node: ast.expr) -> str | None:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def wall_clock_calls(source: str, module: str = "m") -> list[tuple[int, str]]:
    """(line, qualified name) of every wall-clock call in ``source``."""
    tree = ast.parse(source)
    names = _imports(tree, module)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        dotted = _dotted(node.func)
        if dotted is None:
            continue
        head, _, rest = dotted.partition(".")
        qualified = names.get(head, head) + (f".{rest}" if rest else "")
        if qualified in WALL_CLOCK:
            found.append((node.lineno, qualified))
    return found


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "__pycache__" not in path.parts:
                yield path.relative_to(ROOT).as_posix()


def _scan() -> dict[tuple[str, str], list[int]]:
    calls: dict[tuple[str, str], list[int]] = {}
    for relative in _modules():
        if relative == THE_CLOCK:
            continue
        module = relative.removesuffix(".py").replace("/", ".")
        source = (ROOT / relative).read_text(encoding="utf-8")
        for line, name in wall_clock_calls(source, module):
            calls.setdefault((relative, name), []).append(line)
    return calls


def test_application_code_reads_the_time_from_saas_clock_only():
    calls = _scan()
    offenders = [
        f"{path}:{line}: {name}() -> use {WALL_CLOCK[name]} from saas.clock"
        for (path, name), lines in sorted(calls.items())
        if (path, name) not in ALLOWED
        for line in lines
    ]
    assert not offenders, "wall-clock reads outside saas/clock.py:\n" + "\n".join(offenders)


def test_every_allowed_wall_clock_read_has_a_reason_and_is_still_there():
    calls = _scan()
    for (path, name), reason in ALLOWED.items():
        assert len(reason) > 40, f"{path} {name}: say why it needs the real clock"
        assert (path, name) in calls, f"{path} no longer calls {name}(): drop it from ALLOWED"


def test_the_scanner_sees_through_imports_and_aliases():
    source = """
import datetime as dt
import time
from datetime import date, datetime as DateTime
from time import time as now_seconds
from saas.db import utcnow
from saas import db

a = dt.datetime.now(dt.UTC)
b = dt.date.today()
c = DateTime.utcnow()
d = date.today()
e = time.time()
f = now_seconds()
g = utcnow()
h = db.utcnow()
"""
    assert [name for _line, name in wall_clock_calls(source)] == [
        "datetime.datetime.now",
        "datetime.date.today",
        "datetime.datetime.utcnow",
        "datetime.date.today",
        "time.time",
        "time.time",
        "saas.db.utcnow",
        "saas.db.utcnow",
    ]


def test_the_scanner_leaves_durations_column_defaults_and_the_clock_alone():
    source = """
import datetime as dt
import time
from saas import clock
from saas.db import utcnow
from sqlalchemy.orm import mapped_column

started = time.monotonic()
spent = time.perf_counter()
created_at = mapped_column(default=utcnow)
moment = clock.now()
day = clock.today("Europe/Lisbon")
parsed = dt.datetime.fromisoformat("2026-12-05T03:00+00:00")
"""
    assert wall_clock_calls(source) == []


def test_relative_imports_are_resolved():
    assert wall_clock_calls("from .db import utcnow\nx = utcnow()\n", "saas.jobs") == [
        (2, "saas.db.utcnow")
    ]
