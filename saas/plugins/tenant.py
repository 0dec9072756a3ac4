"""Per-tenant dispatch: only core and the plugins a tenant enabled run for that tenant.

``hooks_for(pm, enabled)`` is a stand-in for ``pm`` whose ``hook`` calls core's
implementations and those of the ``enabled`` plugins only (pluggy's ``subset_hook_caller``,
one per hook, made on first use). One is kept per manager and frozenset of enabled names,
so a request finds its tenant's caller with one dict lookup after the first. Everything
that is built per manager and kept (the object registry, the menus, the OpenAPI document)
is therefore built once per enabled set, not per tenant.

``active_hooks()`` is what a request or a job uses: the app's manager narrowed to the
current tenant's enabled plugins (read once per app context from ``tenant_plugins``); the
whole manager outside any tenant (start-up, the scheduler, platform commands).
"""

from __future__ import annotations

import threading
import uuid
import weakref

from flask import current_app, g, has_app_context
from sqlalchemy import select

from saas.db import db
from saas.plugins.manager import installed_names
from tenants.scoping import current_tenant_id


class TenantHooks:
    """A plugin manager as seen by tenants with ``enabled`` plugins: ``.hook.<name>`` is a
    hook caller that leaves the other installed plugins out. Duck-types the parts of a
    ``pluggy.PluginManager`` the collectors use (``hook``, ``list_name_plugin``)."""

    def __init__(self, pm, enabled: frozenset[str], removed: list) -> None:
        self.pm = pm
        self.enabled = enabled
        self._removed = removed
        self._lock = threading.Lock()

    @property
    def hook(self) -> TenantHooks:
        return self

    def __getattr__(self, name: str):
        if name.startswith("_"):
            raise AttributeError(name)
        with self._lock:
            caller = self.__dict__.get(name)
            if caller is None:
                if not hasattr(self.pm.hook, name):
                    raise AttributeError(name)
                caller = self.pm.subset_hook_caller(name, self._removed)
                self.__dict__[name] = caller
        return caller

    def list_name_plugin(self):
        removed = {id(p) for p in self._removed}
        return [(n, p) for n, p in self.pm.list_name_plugin() if id(p) not in removed]

    def __repr__(self) -> str:
        return f"<TenantHooks {sorted(self.enabled)}>"


_CALLERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_CALLERS_LOCK = threading.Lock()


def hooks_for(pm, enabled) -> TenantHooks:
    """The caller of ``pm`` for the plugins ``enabled`` (names; unknown ones ignored), kept
    per manager and enabled set."""
    per_manager = _CALLERS.get(pm)
    if per_manager is not None and isinstance(enabled, frozenset):
        hooks = per_manager.get(enabled)  # the request's path: one dict lookup
        if hooks is not None:
            return hooks
    installed = installed_names(pm)
    key = frozenset(name for name in enabled if name in installed)
    with _CALLERS_LOCK:
        per_manager = _CALLERS.setdefault(pm, {})
        hooks = per_manager.get(key)
        if hooks is None:
            removed = [pm.get_plugin(name) for name in sorted(installed - key)]
            hooks = per_manager[key] = TenantHooks(pm, key, [p for p in removed if p])
        if isinstance(enabled, frozenset):
            per_manager[enabled] = hooks
    return hooks


def enabled_plugins(tenant_id: uuid.UUID | None = None) -> frozenset[str]:
    """The names of the installed plugins the current tenant enabled (read once per app
    context; ``forget_enabled_plugins`` after a change)."""
    tenant_id = tenant_id or current_tenant_id()
    if tenant_id is None:
        return frozenset()
    installed = installed_names(current_app.extensions["trellis_plugins"])
    if not installed:
        return frozenset()  # nothing to read: the common case of a bare install
    cache = g.setdefault("trellis_enabled_plugins", {})
    names = cache.get(tenant_id)
    if names is None:
        from saas.plugins.models import TenantPlugin
        from tenants.schema_version import schema_cache

        # Kept per process at the tenant's schema version too: enabling or disabling a
        # plugin writes a tenant_plugins row, which bumps it (``__trellis_schema__``).
        shared = schema_cache(tenant_id)
        names = shared.get("enabled_plugins") if shared is not None else None
        if names is None:
            rows = db.session.scalars(select(TenantPlugin.name).where(TenantPlugin.enabled))
            names = frozenset(rows)
            if shared is not None:
                shared["enabled_plugins"] = names
        names = cache[tenant_id] = frozenset(n for n in names if n in installed)
    return names


def forget_enabled_plugins() -> None:
    """Drop the app context's cached enabled sets (after enabling or disabling)."""
    if has_app_context():
        g.pop("trellis_enabled_plugins", None)


def active_hooks():
    """The hooks that run now: core plus the current tenant's enabled plugins, or the whole
    manager when no tenant is in scope (and no app: None)."""
    if not has_app_context() or "trellis_plugins" not in current_app.extensions:
        return None
    pm = current_app.extensions["trellis_plugins"]
    if current_tenant_id() is None or not installed_names(pm):
        return pm
    return hooks_for(pm, enabled_plugins())


def owner_enabled(owner: str) -> bool:
    """Whether what ``owner`` contributed ("core" or a plugin's name) runs now."""
    if owner == "core":
        return True
    hooks = active_hooks()
    return hooks is None or not isinstance(hooks, TenantHooks) or owner in hooks.enabled


def guard_plugin_blueprints(app, owners: dict[str, str]) -> None:
    """Answer 404 for a plugin's pages and API (``owners``: blueprint name → plugin) to a
    tenant that has not enabled the plugin, before any view or token check runs."""
    if not owners:
        return
    from flask import abort, request

    @app.before_request
    def _plugin_enabled_here():
        for name in request.blueprints:
            owner = owners.get(name)
            if owner is not None and (
                current_tenant_id() is None or owner not in enabled_plugins()
            ):
                abort(404)
