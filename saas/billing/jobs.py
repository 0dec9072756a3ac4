"""Billing jobs: the coalesced seat sync and the nightly reconciliation.

Both receive only the tenant id and run inside its scope (``@tenant_job``); they are
registered as ``billing.sync_seats`` and ``billing.reconcile`` (``saas/hooks.py``). The
nightly run (periodic task ``billing.reconcile_nightly``) enqueues one reconciliation job
per tenant, so a tenant whose reconciliation fails (Stripe refuses, bad data) is retried on
its own and holds nobody else up.
"""

from __future__ import annotations

import datetime as dt

from saas.billing import services
from saas.jobs import enqueue_for_every_tenant, tenant_job


@tenant_job(timeout=120, retries=5)
def sync_seats_job(tenant_id) -> None:
    services.sync_seats()


@tenant_job(timeout=300, retries=3)
def reconcile_billing_job(tenant_id) -> None:
    services.reconcile_tenant()


def enqueue_reconciliation(*, day: dt.date | None = None) -> int:
    """Enqueue today's reconciliation of every live tenant (once per tenant per day)."""
    return enqueue_for_every_tenant(reconcile_billing_job, "billing-reconcile", day=day)
