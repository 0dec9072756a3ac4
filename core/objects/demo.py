"""Small lookups the areas' demo data share (``core/<area>/demo.py``): the demo finds the
records another area seeded by a natural key, through the record services."""

from __future__ import annotations

from core.objects import records
from saas.auth.actors import SYSTEM


def one(object_name: str, field: str, value: str):
    """The first record of ``object_name`` whose ``field`` equals ``value``, or None."""
    found, _ = records.list_records(
        object_name, filters=[records.Filter(field, "eq", value)], limit=1, actor=SYSTEM
    )
    return found[0] if found else None


def exists(object_name: str) -> bool:
    """Whether the workspace has any record of ``object_name`` (a part seeds once)."""
    found, _ = records.list_records(object_name, limit=1, actor=SYSTEM)
    return bool(found)
