"""The workspace's own settings (``tenants.settings``, one JSON object per tenant).

One place to read and change them, so areas do not each look up the current tenant row and
merge the JSON themselves. Reads and writes are for the tenant in scope
(:func:`tenants.scoping.require_tenant_id`); writes replace the whole JSON value (so the ORM
sees the change) and flush, never commit. Every write names the security log event it is
(what changed goes in the entry, before -> after), so no setting changes unlogged.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import g, has_request_context

from saas import clock, security_log
from saas.db import db
from tenants.models import Tenant
from tenants.scoping import require_tenant_id


def current_tenant() -> Tenant:
    """The tenant row in scope: the request's own when it is the same tenant, else loaded."""
    tenant_id = require_tenant_id()
    found = g.get("tenant") if has_request_context() else None
    if found is None or found.id != tenant_id:
        found = db.session.get(Tenant, tenant_id)
    return found


def workspace_settings() -> dict:
    """The settings of the tenant in scope (empty when none were ever saved)."""
    return current_tenant().settings or {}


def update_settings(changes: dict, *, logged_as: str | None, target: str = "") -> None:
    """Set the given top-level keys of the tenant's settings, keeping the others.

    ``logged_as`` is the security log event of the change (None only when the caller logs
    it itself, as an SLA target does for its hours); nothing is logged when nothing changed.
    """
    tenant = current_tenant()
    before = tenant.settings or {}
    tenant.settings = {**before, **changes}
    db.session.flush()
    changed = security_log.changes({key: before.get(key) for key in changes}, changes)
    if logged_as and changed:
        security_log.record(logged_as, target=target, details={"changes": changed})


def zone_of(settings: dict | None) -> ZoneInfo:
    """The time zone named by ``settings["timezone"]``, UTC when unset or unknown."""
    name = (settings or {}).get("timezone") or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo("UTC")


def workspace_today() -> dt.date:
    """Today's date where the workspace is (its time zone setting), from the one clock: the
    date a quote's validity, an order's date or an export's file name are counted in."""
    return clock.today(zone_of(workspace_settings()))
