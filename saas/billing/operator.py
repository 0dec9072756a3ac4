"""What the platform operator console shows: every tenant's plan, seats, status and MRR.

It reads the platform tables only (``tenants`` and ``billing_accounts``), never a tenant's
CRM data: it needs no tenant scope, and reads every tenant's billing account in the
platform scope (``billing_accounts`` is under row-level security).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy import select

from saas.billing.models import BillingAccount, OperatorAuditEntry
from saas.billing.services import summarize
from saas.db import db
from tenants.models import Tenant
from tenants.scoping import platform_scope


@dataclass(frozen=True)
class TenantBillingRow:
    tenant_id: uuid.UUID
    slug: str
    name: str
    plan: str
    interval: str
    status: str
    seats_used: int
    seats_paid: int
    mrr: float  # cents per month
    currency: str
    provider: str | None
    created_at: dt.datetime


def tenant_billing_rows() -> list[TenantBillingRow]:
    """Every live tenant, newest first, with its billing as the state machine sees it now."""
    with platform_scope("operator console: every tenant's plan and seats"):
        pairs = db.session.execute(
            select(Tenant, BillingAccount)
            .outerjoin(BillingAccount, BillingAccount.for_tenant == Tenant.id)
            .where(Tenant.status != "deleted")
            .order_by(Tenant.created_at.desc())
        ).all()
    rows = []
    for tenant, account in pairs:
        if account is None:
            rows.append(
                TenantBillingRow(
                    tenant.id, tenant.slug, tenant.name, tenant.plan, "month", "unknown",
                    0, 0, 0.0, "usd", None, tenant.created_at,
                )
            )  # fmt: skip
            continue
        summary = summarize(account)
        rows.append(
            TenantBillingRow(
                tenant_id=tenant.id,
                slug=tenant.slug,
                name=tenant.name,
                plan=summary.plan.name,
                interval=summary.interval_label,
                status=summary.status,
                seats_used=summary.seats_used,
                seats_paid=summary.seats_paid,
                mrr=summary.monthly_revenue,
                currency=summary.currency,
                provider=account.provider,
                created_at=tenant.created_at,
            )
        )
    return rows


def record_operator_action(action: str, *, detail: str = "", ip: str = "") -> None:
    db.session.add(OperatorAuditEntry(action=action, detail=detail[:500], ip=ip[:45]))
    db.session.flush()
