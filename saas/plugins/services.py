"""Enabling and disabling plugins for the current tenant (admins only), and the catalogue.

Enabling writes the tenant's ``tenant_plugins`` row and calls ``plugin_enabled`` on core's
implementations and the plugin's own, inside the caller's transaction: the plugin installs
its pipelines, settings and (once) its sample data there, as rows, never DDL (its tables
exist since its migrations ran). Its objects, fields, pages, menu items and hooks are the
tenant's from then on because the tenant's hook caller now includes it
(``saas.plugins.tenant``). Disabling keeps everything and hides it. The plan decides which
plugins may be enabled (``Plan.includes_plugin``); disabling is always allowed. Services
flush, never commit: the request (or command) is the transaction boundary.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from flask import current_app, g
from sqlalchemy import select

from saas import clock
from saas.auth.actors import is_system
from saas.billing import features
from saas.billing.plans import all_plans
from saas.db import db
from saas.errors import Forbidden, NotFound
from saas.i18n import _, _l
from saas.plugins.manager import installed_plugins, notify, plugin_states
from saas.plugins.meta import PluginMeta
from saas.plugins.models import TenantPlugin
from saas.plugins.tenant import forget_enabled_plugins, hooks_for
from tenants.scoping import require_tenant_id

log = logging.getLogger("trellis.plugins")


class PluginNotInPlan(features.FeatureNotInPlan):
    """402 ``not_in_plan``: the workspace's plan does not include this plugin."""


@dataclass(frozen=True)
class CatalogueEntry:
    """One installed plugin as the admin console and the API show it to a tenant."""

    meta: PluginMeta
    enabled: bool
    in_plan: bool
    sample_data: bool

    def as_json(self) -> dict:
        return {
            "name": self.meta.name,
            "title": self.meta.title,
            "description": self.meta.description,
            "version": self.meta.version,
            "adds": sorted(self.meta.adds),
            "industry": self.meta.industry,
            "enabled": self.enabled,
            "in_plan": self.in_plan,
        }


def add_labels() -> dict[str, str]:
    """What a plugin may say it adds (``PluginMeta.adds``), as the catalogue names it."""
    return {key: str(label) for key, label in _ADD_LABELS.items()}


_ADD_LABELS = {
    "objects": _l("objects"),
    "fields": _l("fields on standard objects"),
    "pipelines": _l("pipelines"),
    "pages": _l("pages"),
    "api": _l("API endpoints"),
    "jobs": _l("background jobs"),
    "settings": _l("settings"),
    "demo_data": _l("sample data"),
    "menu": _l("menu items"),
}


def _manager():
    return current_app.extensions["trellis_plugins"]


def get_meta(name: str) -> PluginMeta:
    """The META of the installed plugin ``name``, or a 404 that says which exist."""
    meta = installed_plugins(_manager()).get(name)
    if meta is None:
        state = plugin_states(_manager()).get(name)
        if state is not None:
            raise NotFound(
                _(
                    "The plugin %(name)s is installed but was refused at start-up: %(reason)s",
                    name=name,
                    reason=state.reason,
                )
            )
        raise NotFound(_("There is no plugin called %(name)s.", name=name))
    return meta


def _rows() -> dict[str, TenantPlugin]:
    return {row.name: row for row in db.session.scalars(select(TenantPlugin))}


def catalogue() -> list[CatalogueEntry]:
    """Every installed plugin with whether the current tenant enabled it, in title order."""
    rows = _rows()
    plan = features.current_plan()
    entries = [
        CatalogueEntry(
            meta=meta,
            enabled=bool(rows.get(name) and rows[name].enabled),
            in_plan=plan.includes_plugin(name),
            sample_data=bool(rows.get(name) and rows[name].sample_data),
        )
        for name, meta in installed_plugins(_manager()).items()
    ]
    return sorted(entries, key=lambda e: (e.meta.title.lower(), e.meta.name))


def industries() -> list[PluginMeta]:
    """The installed plugins that sign-up offers as a workspace's industry."""
    metas = [m for m in installed_plugins(_manager()).values() if m.industry]
    return sorted(metas, key=lambda m: m.title.lower())


def _require_admin(actor) -> None:
    if not is_system(actor) and not getattr(actor, "is_admin", False):
        raise Forbidden(_("Only an admin of the workspace can enable or disable plugins."))


def require_in_plan(name: str) -> None:
    """Refuse (402) a plugin the workspace's plan does not include, saying which do."""
    meta = get_meta(name)
    plan = features.current_plan()
    if plan.includes_plugin(name):
        return
    if not plan.has("plugins"):
        raise PluginNotInPlan(features.missing_message("plugins", plan))
    with_it = [p.label for p in all_plans().values() if p.includes_plugin(name)]
    message = _(
        "The %(plugin)s plugin is not included in the %(plan)s plan.",
        plugin=meta.title,
        plan=plan.label,
    )
    if with_it:
        more = _("It comes with %(plans)s.", plans=_(", ").join(with_it))
        message = _("%(sentence)s %(more)s", sentence=message, more=more)
    raise PluginNotInPlan(message)


def _tenant():
    tenant = g.get("tenant")
    if tenant is None or tenant.id != require_tenant_id():
        from tenants.models import Tenant

        tenant = db.session.get(Tenant, require_tenant_id())
    return tenant


def enable_plugin(name: str, *, actor, sample_data: bool = False) -> TenantPlugin:
    """Enable ``name`` for the current tenant (``actor``: an admin, or ``SYSTEM``,
    e.g. sign-up). Enabling again an enabled plugin changes nothing; enabling again a
    disabled one brings its objects, pages and data back (sample data is loaded once)."""
    _require_admin(actor)
    meta = get_meta(name)
    require_in_plan(name)
    row = db.session.scalar(select(TenantPlugin).where(TenantPlugin.name == name))
    if row is not None and row.enabled:
        return row
    load_sample = bool(sample_data) and not (row is not None and row.sample_data)
    now = clock.now()
    if row is None:
        row = TenantPlugin(name=name, enabled=True, enabled_at=now, sample_data=load_sample)
        db.session.add(row)
    else:
        row.enabled, row.enabled_at, row.disabled_at = True, now, None
        row.sample_data = row.sample_data or load_sample
    db.session.flush()
    forget_enabled_plugins()
    notify(
        hooks_for(_manager(), {name}),
        "plugin_enabled",
        tenant=_tenant(),
        plugin=name,
        sample_data=load_sample,
    )
    _log("settings.plugin_enabled", actor, meta, {"sample_data": load_sample})
    return row


def disable_plugin(name: str, *, actor) -> TenantPlugin | None:
    """Disable ``name`` for the current tenant: hidden and silent from now on, its data
    kept. Disabling a plugin that is not enabled changes nothing."""
    _require_admin(actor)
    meta = get_meta(name)
    row = db.session.scalar(select(TenantPlugin).where(TenantPlugin.name == name))
    if row is None or not row.enabled:
        return row
    try:
        # A broken plugin must never keep an admin from switching it off: what its hook
        # wrote is rolled back to this savepoint, the failure is logged with its name
        # (saas.plugins.manager), and the plugin is disabled all the same.
        with db.session.begin_nested():
            notify(hooks_for(_manager(), {name}), "plugin_disabled", tenant=_tenant(), plugin=name)
    except Exception:  # noqa: BLE001
        log.warning("Plugin %s: plugin_disabled failed; disabled all the same", name)
    row.enabled, row.disabled_at = False, clock.now()
    db.session.flush()
    forget_enabled_plugins()
    _log("settings.plugin_disabled", actor, meta, {})
    return row


def _log(event: str, actor, meta: PluginMeta, details: dict) -> None:
    from saas.security_log.services import record

    record(event, actor=actor, target=meta.name, details={"version": meta.version, **details})
