"""The one plugin manager: core areas first (always on), then installed plugins.

Core areas are found by a package scan, not a list: every ``core/<area>/hooks.py`` and
``admin/hooks.py`` is an internal plugin, after the platform's own ``saas/hooks.py``.
Adding an area is adding its ``hooks.py``; nothing else is edited. The modules are
imported by name so that ``saas`` keeps no import of ``core`` or ``admin`` (the layers
checked by import-linter).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from types import ModuleType

import pluggy

from saas.plugins import PROJECT, hookspecs

# The platform's own hooks, then the packages whose subpackages are scanned for ``hooks``.
PLATFORM_HOOKS = "saas.hooks"
AREA_PACKAGES = ("core",)
ADMIN_HOOKS = "admin.hooks"


def internal_hook_modules() -> list[str]:
    """The dotted names of core's hook modules, in registration order."""
    names = [PLATFORM_HOOKS]
    for package_name in AREA_PACKAGES:
        package = importlib.import_module(package_name)
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            if not info.ispkg:
                continue
            candidate = f"{package_name}.{info.name}.hooks"
            if importlib.util.find_spec(candidate) is not None:
                names.append(candidate)
    if importlib.util.find_spec(ADMIN_HOOKS) is not None:
        names.append(ADMIN_HOOKS)
    return names


def build_manager() -> pluggy.PluginManager:
    """A manager with the contract and every internal plugin registered, owner ``core``."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in internal_hook_modules():
        module = importlib.import_module(name)
        pm.register(module, name=name)
    return pm


def import_models(pm: pluggy.PluginManager) -> list[ModuleType]:
    """Every module the hooks declare as holding models (``register_models``), core first;
    importing them added their tables to ``db.metadata``."""
    return _collected(pm, "register_models", ModuleType)


def _collected(pm: pluggy.PluginManager, hook_name: str, kind: type) -> list:
    """Every implementation's contributions to a collecting hook, flattened and checked, in
    registration order (pluggy calls the last registered first): core before plugins."""
    items: list = []
    for contributed in reversed(getattr(pm.hook, hook_name)()):
        for item in contributed:
            if not isinstance(item, kind):
                raise TypeError(f"{hook_name} must return {kind.__name__} objects, got {item!r}")
            items.append(item)
    return items


def blueprints(pm: pluggy.PluginManager) -> list:
    """The web blueprints every hook contributes (``register_blueprints``), core first."""
    from flask import Blueprint

    return _collected(pm, "register_blueprints", Blueprint)


def api_blueprints(pm: pluggy.PluginManager) -> list:
    """The blueprints to nest in the /api/v1 parent (``register_api_blueprints``)."""
    from flask import Blueprint

    return _collected(pm, "register_api_blueprints", Blueprint)


def commands(pm: pluggy.PluginManager) -> list:
    """The ``trellis`` commands every hook contributes (``register_commands``), core first."""
    import click

    return _collected(pm, "register_commands", click.Command)


def jobs(pm: pluggy.PluginManager) -> dict:
    """Every job the hooks register (``register_jobs``), by its stable name, core first;
    a malformed name, a name taken twice or a value that is not callable is refused."""
    from saas.jobs.core import NAME

    registered: dict = {}
    for contributed in reversed(pm.hook.register_jobs()):
        for name, func in dict(contributed).items():
            if not isinstance(name, str) or not NAME.fullmatch(name):
                raise ValueError(
                    f"register_jobs: job name {name!r} is not dotted lower-case words "
                    "such as billing.sync_seats"
                )
            if name in registered:
                raise ValueError(f"register_jobs: job {name} is registered twice")
            if not callable(func):
                raise TypeError(f"register_jobs: job {name} is {func!r}, not a function")
            registered[name] = func
    return registered


def periodic_tasks(pm: pluggy.PluginManager) -> list:
    """Every periodic task the hooks register (``register_periodic_tasks``), core first; a
    name taken twice is refused."""
    from saas.jobs.core import PeriodicTask

    tasks = _collected(pm, "register_periodic_tasks", PeriodicTask)
    seen: set[str] = set()
    for task in tasks:
        if task.name in seen:
            raise ValueError(f"periodic task {task.name} is registered twice")
        seen.add(task.name)
    return tasks


def demo_data(pm: pluggy.PluginManager) -> list:
    """The parts of the demo workspace the hooks register (``register_demo_data``), in
    registration order, core first (``saas.demo.in_order`` then honours their ``after``)."""
    from saas.demo import DemoData

    return _collected(pm, "register_demo_data", DemoData)


def notify(pm: pluggy.PluginManager, hook_name: str, **kwargs) -> None:
    """Call a notifying hook's implementations in registration order, core before plugins
    (pluggy itself calls the last registered first, so a plugin would run before the core
    defaults it builds on). Keyword arguments only; each implementation gets the ones it
    names. An exception stops the call and reaches the caller."""
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        impl.function(**{name: kwargs[name] for name in impl.argnames})


def internal_plugin_names(pm: pluggy.PluginManager) -> list[str]:
    """The registered internal plugins (core areas, admin and the platform)."""
    internal = set(internal_hook_modules())
    return [name for name, _plugin in pm.list_name_plugin() if name in internal]


def current_manager() -> pluggy.PluginManager:
    """The manager of the running app (built by ``create_app``)."""
    from flask import current_app

    return current_app.extensions["trellis_plugins"]


def contributions(pm: pluggy.PluginManager, hook_name: str) -> list[tuple[str, object]]:
    """(owner, item) for every item the implementations of a collecting hook return, in
    registration order (core first); the owner is "core" for internal plugins, else the
    plugin's registered name, so a plugin cannot pass its items off as core's."""
    internal = set(internal_hook_modules())
    items: list[tuple[str, object]] = []
    for impl in getattr(pm.hook, hook_name).get_hookimpls():
        owner = "core" if impl.plugin_name in internal else impl.plugin_name
        for item in impl.function() or ():
            items.append((owner, item))
    return items
