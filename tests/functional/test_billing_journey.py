"""The billing journey end to end on the embedded default (offline backend): sign-up →
trial → checkout → invite users → quantity follows → payment fails → read-only → pays →
restored."""

from __future__ import annotations

from sqlalchemy import select

from saas.billing.models import BillingAccount
from saas.db import db
from tenants.models import Tenant
from tenants.scoping import tenant_scope

SIGNUP = {
    "company": "Blue Fin Travel",
    "slug": "bluefin",
    "name": "Ana Lima",
    "email": "ana@bluefin.example.com",
    "password": "a long enough passphrase",
}
HOST = "http://bluefin.localhost"


def _account(app) -> BillingAccount:
    with app.app_context():
        tenant = db.session.scalar(select(Tenant).where(Tenant.slug == "bluefin"))
        with tenant_scope(tenant.id):
            account = db.session.scalar(
                select(BillingAccount).where(BillingAccount.for_tenant == tenant.id)
            )
        db.session.expunge(account)
        db.session.rollback()
        return account


def test_signup_trial_checkout_seats_dunning_and_restore(app, moving_clock):
    moving = moving_clock
    web = app.test_client()

    def get(path, **kwargs):
        return web.get(path, base_url=HOST, **kwargs)

    def post(path, **kwargs):
        return web.post(path, base_url=HOST, **kwargs)

    # Sign-up: a trial of Pro, without a card.
    handoff = web.post("/signup", data=SIGNUP, base_url="http://localhost").headers["Location"]
    assert web.get(handoff, base_url=HOST).status_code == 303
    page = get("/admin/billing/").get_data(as_text=True)
    assert "Pro plan" in page and "Free trial" in page
    assert _account(app).status == "trialing"

    # Checkout of Starter during the trial: the trial is kept, the seat is counted.
    chosen = post("/admin/billing/checkout", data={"plan": "starter", "interval": "month"})
    assert chosen.status_code == 303
    assert get(chosen.headers["Location"]).status_code == 303
    account = _account(app)
    assert account.provider_status == "trialing" and account.seats_paid == 1

    # The trial ends; inviting two members asks to confirm each seat's price.
    moving.advance(days=15)
    with app.app_context():  # the nightly reconciliation renews the period
        from saas.billing.jobs import enqueue_reconciliation
        from saas.jobs import dispatch_outbox

        enqueue_reconciliation()
        db.session.commit()
        dispatch_outbox()
    assert _account(app).provider_status == "active"
    for name in ("bruno", "carla"):
        invite = {"name": name.title(), "email": f"{name}@bluefin.example.com", "role": "member"}
        assert post("/admin/users/invite", data=invite).status_code == 409
        assert post("/admin/users/invite", data={**invite, "add_seat": "yes"}).status_code == 303
    assert _account(app).seats_paid == 3  # the quantity followed

    # The renewal is declined: past due, then read-only after the grace period.
    result = app.test_cli_runner().invoke(
        args=["billing", "simulate-payment-failure", "--tenant", "bluefin"]
    )
    assert result.exit_code == 0 and "past_due" in result.output
    assert post("/o/companies/new", data={"name": "Still fine"}).status_code == 303
    moving.advance(days=8)
    refused = post("/o/companies/new", data={"name": "Blocked"})
    assert refused.status_code == 402
    assert "Nothing was deleted" in refused.get_data(as_text=True)
    assert "Still fine" in get("/o/companies").get_data(as_text=True)

    # Paying restores editing at once.
    assert post("/admin/billing/pay").status_code == 303
    assert _account(app).status == "active"
    assert post("/o/companies/new", data={"name": "Back to work"}).status_code == 303
