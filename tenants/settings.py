"""The workspace's own settings (``tenants.settings``, one JSON object per tenant).

One place to read and change them, so areas do not each look up the current tenant row and
merge the JSON themselves. Reads and writes are for the tenant in scope
(:func:`tenants.scoping.require_tenant_id`); writes replace the whole JSON value (so the ORM
sees the change) and flush, never commit.
"""

from __future__ import annotations

from flask import g, has_request_context

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


def update_settings(changes: dict) -> None:
    """Set the given top-level keys of the tenant's settings, keeping the others."""
    tenant = current_tenant()
    tenant.settings = {**(tenant.settings or {}), **changes}
    db.session.flush()
