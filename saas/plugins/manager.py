"""The one plugin manager: core areas first (always on), then installed plugins.

Core areas are found by a package scan, not a list: every ``core/<area>/hooks.py`` and
``admin/hooks.py`` is an internal plugin, after the platform's own ``saas/hooks.py``.
Adding an area is adding its ``hooks.py``; nothing else is edited. The modules are
imported by name so that ``saas`` keeps no import of ``core`` or ``admin`` (the layers
checked by import-linter).

Installed plugins are found through the ``trellis.plugins`` entry-point group
(``load_plugins``): each entry point names a module with a ``META``
(``saas.plugins.meta.PluginMeta``) and hook implementations. A plugin that cannot be
imported, has no valid META, does not fit this core version or implements a hook the
contract lacks is refused with one log line naming it and the reason; the app starts
without it. Which plugins run for a tenant is ``saas.plugins.tenant``'s business.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import importlib.util
import logging
import pkgutil
import weakref
from dataclasses import dataclass
from types import ModuleType

import pluggy

from saas.plugins import PROJECT, hookspecs
from saas.plugins.meta import IncompatiblePlugin, PluginMeta, core_version

log = logging.getLogger("trellis.plugins")

# The entry-point group an installed plugin package declares its module in:
#   [project.entry-points."trellis.plugins"]
#   school = "trellis_school"
ENTRY_POINT_GROUP = "trellis.plugins"
INSTALLED, REFUSED = "installed", "refused"

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


def build_manager(*, with_plugins: bool = False) -> pluggy.PluginManager:
    """A manager with the contract and every internal plugin registered, owner ``core``;
    ``with_plugins``: then the installed plugins (``load_plugins``), as ``create_app`` and
    the migrations do."""
    pm = pluggy.PluginManager(PROJECT)
    pm.add_hookspecs(hookspecs)
    for name in internal_hook_modules():
        module = importlib.import_module(name)
        pm.register(module, name=name)
    _CATALOGUES[pm] = {}
    if with_plugins:
        load_plugins(pm)
    return pm


@dataclass(frozen=True)
class PluginState:
    """What became of one installed plugin package: installed (registered with the manager)
    or refused, with the reason (one line)."""

    name: str
    meta: PluginMeta | None = None
    module: ModuleType | None = None
    reason: str = ""
    source: str = ""  # the entry point's value, "package.module"

    @property
    def state(self) -> str:
        return REFUSED if self.reason else INSTALLED


_CATALOGUES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def plugin_entry_points() -> list:
    """The entry points of the ``trellis.plugins`` group of every installed distribution."""
    return list(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP))


def load_plugins(pm: pluggy.PluginManager, entry_points=None) -> dict[str, PluginState]:
    """Register every installed plugin that fits with ``pm``, after core; refuse the others
    with one log line each (``Plugin <name> refused: <reason>``). Returns every plugin's
    state by name, also kept for ``plugin_states(pm)``."""
    version = core_version()
    states: dict[str, PluginState] = dict(_CATALOGUES.get(pm) or {})
    found = plugin_entry_points() if entry_points is None else list(entry_points)
    for entry_point in sorted(found, key=lambda e: (e.name, e.value)):
        state = _load_one(pm, entry_point, version, states)
        if state.reason:
            log.warning("Plugin %s refused: %s", state.name, state.reason)
            if state.name in states and not states[state.name].reason:
                continue  # the one already installed under this name stays
        else:
            log.info("Plugin %s %s installed", state.name, state.meta.version)
        states[state.name] = state
    _CATALOGUES[pm] = states
    _INSTALLED_NAMES.pop(pm, None)
    return states


def _load_one(pm, entry_point, version: str, states: dict) -> PluginState:
    name, source = entry_point.name, entry_point.value

    def refused(reason: str) -> PluginState:
        return PluginState(name, reason=reason, source=source)

    if name in states and not states[name].reason:
        return refused(f"another plugin is installed under the name {name} ({states[name].source})")
    try:
        module = entry_point.load()
    except IncompatiblePlugin as exc:
        return refused(f"bad META: {exc}")
    except Exception as exc:  # noqa: BLE001  (whatever a broken package raises)
        return refused(f"cannot be imported ({source}): {type(exc).__name__}: {exc}")
    meta = getattr(module, "META", None)
    if not isinstance(meta, PluginMeta):
        return refused(f"{source} has no META (a saas.plugins.meta.PluginMeta)")
    if meta.name != name:
        return refused(f"its META is named {meta.name!r} but its entry point {name!r}")
    try:
        meta.check(version)
    except IncompatiblePlugin as exc:
        return refused(str(exc))
    try:
        pm.register(module, name=name)
    except Exception as exc:  # noqa: BLE001  (pluggy's validation, a name already taken)
        return refused(f"its hooks do not fit the contract: {exc}")
    callers = pm.get_hookcallers(module) or ()
    unknown = sorted(c.name for c in callers if c.spec is None)
    if unknown:
        pm.unregister(module)
        return refused(f"implements hooks the core does not have: {', '.join(unknown)}")
    for caller in callers:
        for impl in caller.get_hookimpls():
            if impl.plugin is module:
                impl.function = _logging(name, caller.name, impl.function)
    return PluginState(name, meta=meta, module=module, source=source)


def _logging(plugin: str, hook_name: str, function):
    """``function`` (a plugin's hook implementation) logging an exception with the plugin's
    name, the hook and the tenant before it propagates (docs/decisions: what a plugin's
    exception does to the request)."""

    @functools.wraps(function)
    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except Exception:
            from tenants.scoping import current_tenant_id

            log.exception(
                "Plugin %s failed in %s (tenant %s)", plugin, hook_name, current_tenant_id()
            )
            raise

    call.trellis_plugin = plugin
    return call


def plugin_states(pm: pluggy.PluginManager) -> dict[str, PluginState]:
    """Every plugin package found for ``pm`` with its state, by name."""
    return dict(_CATALOGUES.get(pm) or {})


def installed_plugins(pm: pluggy.PluginManager) -> dict[str, PluginMeta]:
    """The META of every plugin registered with ``pm`` (refused ones left out), by name."""
    return {n: s.meta for n, s in (_CATALOGUES.get(pm) or {}).items() if not s.reason}


def installed_names(pm) -> frozenset[str]:
    """The names of the plugins registered with ``pm`` (kept: asked on every request)."""
    names = _INSTALLED_NAMES.get(pm)
    if names is None:
        names = _INSTALLED_NAMES[pm] = frozenset(installed_plugins(pm))
    return names


_INSTALLED_NAMES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


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


def owned_blueprints(pm: pluggy.PluginManager, hook_name: str) -> list[tuple[str, object]]:
    """(owner, blueprint) for every blueprint of ``register_blueprints`` or
    ``register_api_blueprints``, core first."""
    from flask import Blueprint

    pairs = contributions(pm, hook_name)
    for _owner, item in pairs:
        if not isinstance(item, Blueprint):
            raise TypeError(f"{hook_name} must return Blueprint objects, got {item!r}")
    return pairs


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


def notify(pm, hook_name: str, **kwargs) -> None:
    """Call a notifying hook's implementations in registration order, core before plugins
    (pluggy itself calls the last registered first, so a plugin would run before the core
    defaults it builds on). ``pm``: a manager or a tenant's caller
    (``saas.plugins.tenant.hooks_for``), whose disabled plugins are left out. Keyword
    arguments only; each implementation gets the ones it names. An exception stops the
    call and reaches the caller."""
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
