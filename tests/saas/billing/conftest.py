"""Billing helpers (tests move time with the shared ``moving_clock`` fixture)."""

from __future__ import annotations

from sqlalchemy import select

from saas.billing.models import BillingAccount
from saas.db import db
from saas.mail import OutboxEmail
from tenants.scoping import tenant_scope


def account_of(app, tenant: dict) -> dict:
    with app.app_context(), tenant_scope(tenant["id"]):
        account = db.session.scalar(
            select(BillingAccount).where(BillingAccount.for_tenant == tenant["id"])
        )
        values = {c.name: getattr(account, c.name) for c in BillingAccount.__table__.columns}
        db.session.rollback()
        return values


def emails_to(app, tenant: dict, subject_part: str) -> list[str]:
    with app.app_context(), tenant_scope(tenant["id"]):
        rows = db.session.scalars(select(OutboxEmail)).all()
        found = [row.to_address for row in rows if subject_part in row.subject]
        db.session.rollback()
        return found
