"""The nightly expiry of quotes: one job per tenant, like the billing reconciliation.

``trellis scheduler`` registers ``nightly_quote_expiry_task`` (RQ cron, just after
midnight UTC); it enqueues ``expire_quotes_job`` for every live tenant, once per tenant
and day (a dedup key), so a tenant whose expiry fails is retried on its own. Without the
scheduler, ``trellis quotes expire`` does the same from cron, and a quote's next write
expires it anyway (``core.orders.services``).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from core.orders import services
from saas.db import db
from saas.jobs import dispatch_outbox, enqueue, tenant_job
from tenants.models import Tenant


@tenant_job(timeout=300, retries=3)
def expire_quotes_job(tenant_id) -> None:
    services.expire_quotes()


def enqueue_quote_expiry(*, day: dt.date | None = None) -> int:
    """Enqueue today's quote expiry of every live tenant (once per tenant per day)."""
    day = day or dt.date.today()
    tenant_ids = db.session.scalars(select(Tenant.id).where(Tenant.status != "deleted")).all()
    for tenant_id in tenant_ids:
        enqueue(
            expire_quotes_job,
            tenant_id,
            dedup_key=f"quote-expiry:{tenant_id}:{day.isoformat()}",
        )
    return len(tenant_ids)


def nightly_quote_expiry_task() -> int:
    """Periodic RQ task registered by ``trellis scheduler``: enqueue and hand over the jobs."""
    from saas.jobs.core import _worker_app

    with _worker_app().app_context():
        count = enqueue_quote_expiry()
        db.session.commit()
        dispatch_outbox()
        return count
