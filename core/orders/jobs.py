"""The nightly expiry of quotes: one job per tenant, like the billing reconciliation.

``trellis scheduler`` starts the periodic task ``orders.expire_quotes_nightly`` (just after
midnight UTC, ``core/orders/hooks.py``); it enqueues the job ``orders.expire_quotes`` for
every live tenant, once per tenant
and day (a dedup key), so a tenant whose expiry fails is retried on its own. Without the
scheduler, ``trellis quotes expire`` does the same from cron, and a quote's next write
expires it anyway (``core.orders.services``).
"""

from __future__ import annotations

import datetime as dt

from core.orders import services
from saas.jobs import enqueue_for_every_tenant, tenant_job


@tenant_job(timeout=300, retries=3)
def expire_quotes_job(tenant_id) -> None:
    services.expire_quotes()


def enqueue_quote_expiry(*, day: dt.date | None = None) -> int:
    """Enqueue today's quote expiry of every live tenant (once per tenant per day)."""
    return enqueue_for_every_tenant(expire_quotes_job, "quote-expiry", day=day)
