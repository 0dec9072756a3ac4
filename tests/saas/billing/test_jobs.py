"""The billing jobs: the nightly reconciliation (one job per tenant, failures isolated,
registered with the scheduler) and what it repairs on the offline backend."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from saas.billing import services
from saas.billing.jobs import enqueue_reconciliation
from saas.billing.models import BillingAccount, BillingInvoice
from saas.db import db
from saas.jobs import dispatch_outbox
from saas.jobs.models import OutboxJob
from tenants.scoping import platform_scope, tenant_scope
from tests.conftest import TenantClient, add_user, make_tenant
from tests.saas.billing.conftest import account_of

pytestmark = pytest.mark.time_sensitive


def _subscribe(app, tenant, plan="starter", interval="month"):
    client = TenantClient(app, tenant)
    client.login(tenant["admin_email"], tenant["password"])
    response = client.post("/admin/billing/checkout", data={"plan": plan, "interval": interval})
    assert response.status_code == 303
    return client


def test_nightly_reconciliation_runs_one_job_per_tenant_and_isolates_failures(
    app, tenant, other_tenant, monkeypatch
):
    real = services.reconcile_tenant

    def fails_for_acme():
        from tenants.scoping import require_tenant_id

        if require_tenant_id() == tenant["id"]:
            raise RuntimeError("Stripe refused acme")
        return real()

    monkeypatch.setattr(services, "reconcile_tenant", fails_for_acme)
    with app.app_context():
        assert enqueue_reconciliation() == 2
        assert enqueue_reconciliation() == 2  # the same night again: no second job
        db.session.commit()
        with platform_scope("test: every tenant's jobs"):
            assert db.session.scalar(select(db.func.count()).select_from(OutboxJob)) == 2
        dispatch_outbox()
        with platform_scope("test: every tenant's jobs"):
            left = db.session.scalars(select(OutboxJob)).all()
        assert [row.for_tenant for row in left] == [tenant["id"]]
        assert "Stripe refused acme" in left[0].last_error
        db.session.rollback()
    assert account_of(app, other_tenant)["status"] == "trialing"  # globex was reconciled


def test_reconciliation_repairs_seat_drift_and_renews_offline(app, tenant, moving_clock):
    moving_clock.advance(days=15)
    _subscribe(app, tenant)
    add_user(app, tenant, email="ann@acme.example.com", role="member")
    with app.app_context(), tenant_scope(tenant["id"]):  # drift: the mirror says 5 seats paid
        db.session.execute(
            update(BillingAccount)
            .where(BillingAccount.for_tenant == tenant["id"])
            .values(seats_paid=5)
        )
        db.session.commit()
    moving_clock.advance(days=32)  # and the period ended
    with app.app_context(), tenant_scope(tenant["id"]):
        outcome = services.reconcile_tenant()
        db.session.commit()
        invoices = db.session.scalars(select(BillingInvoice).order_by(BillingInvoice.number)).all()
        assert [i.status for i in invoices] == ["paid", "paid"]  # the renewal was invoiced
        db.session.rollback()
    assert "seats updated" in outcome
    account = account_of(app, tenant)
    assert account["seats_paid"] == 2 and account["status"] == "active"


def test_a_canceled_subscription_ends_at_period_end_and_moves_to_free(app, tenant, moving_clock):
    moving_clock.advance(days=15)
    client = _subscribe(app, tenant)
    assert client.post("/admin/billing/cancel").status_code == 303
    moving_clock.advance(days=32)
    with app.app_context(), tenant_scope(tenant["id"]):
        services.reconcile_tenant()
        db.session.commit()
    account = account_of(app, tenant)
    assert account["provider_status"] == "canceled" and account["plan"] == "free"
    assert account["status"] == "canceled"


def test_the_scheduler_registers_the_nightly_reconciliation(app, monkeypatch):
    import rq.cron

    registered = []

    class FakeCron:
        def __init__(self, connection):
            pass

        def register(self, func, queue_name, args=(), name="", **when):
            registered.append((func.__name__, queue_name, args, when))

        def start(self):
            pass

    monkeypatch.setattr(rq.cron, "CronScheduler", FakeCron)
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    result = app.test_cli_runner().invoke(args=["scheduler"])
    assert result.exit_code == 0, result.output
    nightly = (
        "run_periodic_task",
        "trellis",
        ("billing.reconcile_nightly",),
        {"cron": "17 3 * * *"},
    )
    assert nightly in registered
    assert "billing.reconcile_nightly: cron 17 3 * * * UTC" in result.output


def test_cli_reconcile_enqueues_every_tenant(app, tenant):
    make_tenant(app, "initech")
    result = app.test_cli_runner().invoke(args=["billing", "reconcile"])
    assert result.exit_code == 0 and "2 tenant(s)" in result.output
    missing = app.test_cli_runner().invoke(args=["billing", "reconcile", "--tenant", "nope"])
    assert missing.exit_code == 2 and "No tenant 'nope'" in missing.output


def test_admins_hear_three_days_before_the_trial_ends(app, tenant, moving_clock):
    from tests.saas.billing.conftest import emails_to

    moving_clock.advance(days=10)
    with app.app_context(), tenant_scope(tenant["id"]):
        services.reconcile_tenant()
        db.session.commit()
    assert emails_to(app, tenant, "trial ends") == []
    moving_clock.advance(days=2)
    for _ in range(2):  # the nightly run twice: one e-mail
        with app.app_context(), tenant_scope(tenant["id"]):
            services.reconcile_tenant()
            db.session.commit()
    assert emails_to(app, tenant, "trial ends") == [tenant["admin_email"]]
