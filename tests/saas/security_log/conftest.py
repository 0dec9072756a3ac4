"""Reading a tenant's security log in tests."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.db import db
from saas.security_log.models import SecurityLogEntry
from tenants.scoping import tenant_scope


@pytest.fixture
def logged_events(app):
    """``logged_events(tenant)``: the tenant's entries after the first (the workspace's
    creation), oldest first, as dicts of event, actor, target, ip, user agent and details."""

    def read(tenant: dict, *, since: int = 1) -> list[dict]:
        with app.app_context(), tenant_scope(tenant["id"]):
            rows = db.session.scalars(
                select(SecurityLogEntry)
                .where(SecurityLogEntry.seq > since)
                .order_by(SecurityLogEntry.seq)
            )
            return [
                {
                    "event": row.event,
                    "actor": row.actor,
                    "actor_id": row.actor_id,
                    "target": row.target,
                    "ip": row.ip,
                    "user_agent": row.user_agent,
                    "details": row.details,
                }
                for row in rows
            ]

    return read
