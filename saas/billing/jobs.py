"""Billing jobs: the coalesced seat sync and the nightly reconciliation.

Both receive only the tenant id and run inside its scope (``@tenant_job``). The nightly run
enqueues one reconciliation job per tenant, so a tenant whose reconciliation fails (Stripe
refuses, bad data) is retried on its own and holds nobody else up.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from saas.billing import services
from saas.db import db
from saas.jobs import dispatch_outbox, enqueue, tenant_job
from tenants.models import Tenant


@tenant_job(timeout=120, retries=5)
def sync_seats_job(tenant_id) -> None:
    services.sync_seats()


@tenant_job(timeout=300, retries=3)
def reconcile_billing_job(tenant_id) -> None:
    services.reconcile_tenant()


def enqueue_reconciliation(*, day: dt.date | None = None) -> int:
    """Enqueue today's reconciliation of every live tenant (once per tenant per day)."""
    day = day or dt.date.today()
    tenant_ids = db.session.scalars(select(Tenant.id).where(Tenant.status != "deleted")).all()
    for tenant_id in tenant_ids:
        enqueue(
            reconcile_billing_job,
            tenant_id,
            dedup_key=f"billing-reconcile:{tenant_id}:{day.isoformat()}",
        )
    return len(tenant_ids)


def nightly_reconciliation_task() -> int:
    """Periodic RQ task registered by ``trellis scheduler``: enqueue and hand over the jobs."""
    from saas.jobs.core import _worker_app

    with _worker_app().app_context():
        count = enqueue_reconciliation()
        db.session.commit()
        dispatch_outbox()
        return count
