"""The workflow triggers and actions of the running app (``register_workflow_triggers``,
``register_workflow_actions``), core's first, each stamped with its owner."""

from __future__ import annotations

import dataclasses

from flask import current_app

from saas.plugins.manager import contributions, current_manager
from saas.plugins.tenant import owner_enabled
from saas.plugins.workflows import WorkflowAction, WorkflowTrigger


def _collect(hook_name: str, kind: type) -> dict:
    found: dict = {}
    for owner, item in contributions(current_manager(), hook_name):
        if not isinstance(item, kind):
            raise TypeError(f"{hook_name} must return {kind.__name__} objects, got {item!r}")
        if item.name in found:
            raise ValueError(f"{hook_name}: {item.name} is registered twice")
        found[item.name] = dataclasses.replace(item, owner=owner)
    return found


def _cached(hook_name: str, kind: type) -> dict:
    pm = current_manager()
    key = tuple(impl.function for impl in getattr(pm.hook, hook_name).get_hookimpls())
    cache = current_app.extensions.setdefault("trellis_workflow_kit", {})
    entry = cache.get(hook_name)
    if entry is None or entry[0] != key:
        entry = (key, _collect(hook_name, kind))
        cache[hook_name] = entry
    return entry[1]


def _enabled(found: dict) -> dict:
    """Core's and the current tenant's enabled plugins' (a disabled plugin's stop)."""
    return {name: item for name, item in found.items() if owner_enabled(item.owner)}


def triggers() -> dict[str, WorkflowTrigger]:
    """Every trigger the tenant in scope has, by name, core's first (the collection is
    rebuilt when the registered hooks change)."""
    return _enabled(_cached("register_workflow_triggers", WorkflowTrigger))


def actions() -> dict[str, WorkflowAction]:
    """Every action the tenant in scope has, by name, core's first."""
    return _enabled(_cached("register_workflow_actions", WorkflowAction))


def triggers_listening_to(event_name: str) -> dict[str, WorkflowTrigger]:
    return {name: t for name, t in triggers().items() if event_name in t.events}
