"""The Stripe backend with the real ``stripe`` client against localstripe (plus the local
stand-in for Prices and Checkout Sessions): checkout, seats following users, coalescing,
lost responses, signed webhooks and a shuffled, duplicated replay."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
import random
import time
import uuid

import pytest
from sqlalchemy import select, update

from saas import clock
from saas.app import create_app
from saas.auth import services as accounts
from saas.auth.models import User
from saas.billing.models import BillingAccount, BillingEvent, BillingInvoice
from saas.db import db
from saas.jobs import dispatch_outbox
from saas.jobs.models import OutboxJob
from tenants.scoping import platform_scope, tenant_scope
from tests.conftest import TenantClient, make_tenant, test_config
from tests.saas.billing.stripe_standin import StripeStandIn, start_localstripe

API_KEY = "sk_test_trellis"
WEBHOOK_SECRET = "whsec_trellis_test_secret"
FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures", "stripe_events.json")


pytestmark = pytest.mark.time_sensitive


@pytest.fixture(scope="module")
def standin():
    # localstripe is a dev dependency (pyproject.toml): `make install` always has it.
    process, url = start_localstripe()
    fake = StripeStandIn(url, API_KEY)
    for plan, prices in (("starter", (1500, 15000)), ("pro", (3900, 39000))):
        for interval, amount in zip(("month", "year"), prices, strict=True):
            fake.create_plan(f"trellis_{plan}_{interval}", amount, interval)
    yield fake
    fake.close()
    process.terminate()
    process.wait(10)


def _stripe_app(app, standin, **extra):
    config = test_config(
        app.config["SQLALCHEMY_DATABASE_URI"],
        app.config["DATABASE_OWNER_URL"],
        BILLING_BACKEND="stripe",
        STRIPE_API_KEY=API_KEY,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=standin.url,
        STRIPE_MAX_NETWORK_RETRIES=3,
        **extra,
    )
    return create_app(config)


@pytest.fixture
def stripe_app(app, standin):
    application = _stripe_app(app, standin)
    yield application
    with application.app_context():
        db.engine.dispose()


def _account(application, tenant) -> BillingAccount:
    with tenant_scope(tenant["id"]):  # billing_accounts is under row-level security
        return db.session.scalar(
            select(BillingAccount).where(BillingAccount.for_tenant == tenant["id"])
        )


def _subscribe(application, standin, tenant, *, plan="starter", interval="month"):
    """The admin goes through Checkout; returns the signed-in client."""
    client = TenantClient(application, tenant)
    client.login(tenant["admin_email"], tenant["password"])
    response = client.post("/admin/billing/checkout", data={"plan": plan, "interval": interval})
    assert response.status_code == 303, response.get_data(as_text=True)
    session_id = response.headers["Location"].rsplit("/", 1)[1]
    assert session_id in standin.sessions
    standin.complete_checkout(session_id)
    done = client.get(f"/admin/billing/checkout/done?session_id={session_id}")
    assert done.status_code == 303
    return client


def _stripe_quantity(standin, application, tenant) -> int:
    with application.app_context():
        ref = _account(application, tenant).subscription_ref
        db.session.rollback()
    sub = standin.upstream_call("GET", f"/v1/subscriptions/{ref}")
    return sub["items"]["data"][0]["quantity"]


def _billable(application, tenant) -> int:
    with application.app_context(), tenant_scope(tenant["id"]):
        from saas.billing.services import count_billable_seats

        count = count_billable_seats()
        db.session.rollback()
        return count


def test_checkout_then_quantity_follows_invited_users(stripe_app, standin, tenant):
    client = _subscribe(stripe_app, standin, tenant)
    with stripe_app.app_context():
        account = _account(stripe_app, tenant)
        assert account.provider == "stripe" and account.plan == "starter"
        assert account.provider_status in ("active", "trialing") and account.seats_paid == 1
        assert account.payment_method == "Visa •••• 4242"
        db.session.rollback()
    invite = {"name": "Ann", "email": "ann@acme.example.com", "role": "member"}
    response = client.post("/admin/users/invite", data=invite)
    if response.status_code == 409:  # after the trial the new seat's price is confirmed
        response = client.post("/admin/users/invite", data={**invite, "add_seat": "yes"})
    assert response.status_code == 303
    assert _stripe_quantity(standin, stripe_app, tenant) == 2
    viewer = {"name": "Vic", "email": "vic@acme.example.com", "role": "viewer"}
    assert client.post("/admin/users/invite", data=viewer).status_code == 303
    assert _stripe_quantity(standin, stripe_app, tenant) == 2

    page = client.get("/admin/billing/")
    assert page.status_code == 200 and "Starter plan" in page.get_data(as_text=True)
    portal = client.post("/admin/billing/portal")
    assert portal.status_code == 303 and "billing.stand-in.example" in portal.headers["Location"]

    with stripe_app.app_context(), tenant_scope(tenant["id"]):
        from saas.billing.services import reconcile_tenant

        reconcile_tenant()
        db.session.commit()
        invoices = db.session.scalars(select(BillingInvoice)).all()
        assert invoices and all(i.invoice_ref.startswith("in_") for i in invoices)


def test_seat_updates_are_coalesced_to_one_per_minute(stripe_app, standin, tenant):
    _subscribe(stripe_app, standin, tenant)
    standin.quantity_updates.clear()
    with stripe_app.app_context(), tenant_scope(tenant["id"]):
        for name in ("ann", "bob", "cy"):
            accounts.create_user(email=f"{name}@acme.example.com", name=name, role="member")
            db.session.commit()
            dispatch_outbox()
        assert len(standin.quantity_updates) == 1  # the first went out, the rest wait
        pending = db.session.scalars(select(OutboxJob)).all()
        assert len(pending) == 1  # coalesced into one job
        wait = pending[0].run_after - clock.now()
        assert dt.timedelta(seconds=30) < wait <= dt.timedelta(seconds=60)
    assert _stripe_quantity(standin, stripe_app, tenant) == 2


@pytest.fixture
def lossy_app(app, standin):
    application = _stripe_app(app, standin, BILLING_SEAT_SYNC_SECONDS=0)
    standin.lose_rate = 0.1
    standin.lost = 0
    yield application
    standin.lose_rate = 0.0
    with application.app_context():
        db.engine.dispose()


def test_no_seat_drift_when_responses_are_lost_after_being_applied(lossy_app, standin, tenant):
    _subscribe(lossy_app, standin, tenant)
    rng = random.Random(11)
    members: list[uuid.UUID] = []
    with lossy_app.app_context(), tenant_scope(tenant["id"]):
        admin = db.session.scalar(select(User).where(User.id == tenant["admin_id"]))
        for step in range(40):
            if members and rng.random() < 0.4:
                user_id = members.pop(rng.randrange(len(members)))
                user = db.session.scalar(select(User).where(User.id == user_id))
                accounts.deactivate_user(user=user, by=admin)
            else:
                role = rng.choice(["member", "manager", "viewer"])
                user = accounts.create_user(
                    email=f"u{step}@acme.example.com", name=f"User {step}", role=role
                )
                members.append(user.id)
            db.session.commit()
            dispatch_outbox()
            admin = db.session.scalar(select(User).where(User.id == tenant["admin_id"]))
        # A job whose every retry was lost stays in the outbox; the nightly run repairs.
        db.session.execute(
            update(OutboxJob).values(run_after=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
        )
        db.session.commit()
        from saas.billing.services import reconcile_tenant

        reconcile_tenant()
        db.session.commit()
        dispatch_outbox()
    assert standin.lost > 0
    billable = _billable(lossy_app, tenant)
    assert _stripe_quantity(standin, lossy_app, tenant) == billable
    with lossy_app.app_context():
        assert _account(lossy_app, tenant).seats_paid == billable
        db.session.rollback()


# Webhooks -----------------------------------------------------------------------------


def _sign(payload: str, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    at = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{at}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={at},v1={mac}"


def _event(kind: str, obj: dict, event_id: str | None = None) -> dict:
    with open(FIXTURES) as handle:
        template = json.load(handle)[kind]
    event = json.loads(json.dumps(template))
    event["id"] = event_id or f"evt_{uuid.uuid4().hex[:24]}"
    event["data"]["object"].update(obj)
    return event


def _deliver(application, event: dict, **sign):
    payload = json.dumps(event)
    return application.test_client().post(
        "/billing/stripe/webhook",
        data=payload,
        headers={"Stripe-Signature": _sign(payload, **sign), "Content-Type": "application/json"},
        base_url="http://localhost",
    )


def test_webhook_rejects_bad_and_stale_signatures_and_ignores_redelivery(
    stripe_app, standin, tenant
):
    _subscribe(stripe_app, standin, tenant)
    with stripe_app.app_context():
        sub_ref = _account(stripe_app, tenant).subscription_ref
        db.session.rollback()
    event = _event("customer.subscription.updated", {"id": sub_ref})
    assert _deliver(stripe_app, event, secret="whsec_wrong").status_code == 400
    assert _deliver(stripe_app, event, at=int(time.time()) - 3600).status_code == 400
    unsigned = stripe_app.test_client().post(
        "/billing/stripe/webhook", data=json.dumps(event), base_url="http://localhost"
    )
    assert unsigned.status_code == 400
    first = _deliver(stripe_app, event)
    assert first.status_code == 200 and first.get_json()["outcome"] == "handled"
    again = _deliver(stripe_app, event)
    assert again.status_code == 200 and again.get_json()["outcome"] == "duplicate"
    with stripe_app.app_context(), platform_scope("test: every event recorded"):
        assert db.session.scalar(select(db.func.count()).select_from(BillingEvent)) == 1
        db.session.rollback()


def _mirror(application, tenant) -> tuple:
    with application.app_context():
        account = _account(application, tenant)
        values = (
            account.subscription_ref,
            account.provider_status,
            account.plan,
            account.interval,
            account.seats_paid,
            account.unit_amount,
            account.cancel_at_period_end,
            account.status,
        )
        db.session.rollback()
        return values


def test_a_replay_of_400_events_shuffled_and_duplicated_reaches_the_in_order_state(
    stripe_app, standin, tenant
):
    _subscribe(stripe_app, standin, tenant)
    with stripe_app.app_context():
        account = _account(stripe_app, tenant)
        sub_ref, customer = account.subscription_ref, account.customer_ref
        db.session.rollback()
    invoices = standin.upstream_call("GET", f"/v1/invoices?customer={customer}")["data"]
    kinds = [
        ("customer.subscription.updated", {"id": sub_ref, "customer": customer}),
        ("customer.subscription.created", {"id": sub_ref, "customer": customer}),
        ("invoice.paid", {"id": invoices[0]["id"], "customer": customer}),
        ("checkout.session.completed", {"id": "cs_unknown", "customer": customer}),
        ("customer.subscription.trial_will_end", {"id": sub_ref, "customer": customer}),
    ]
    rng = random.Random(5)
    # 400 events of five kinds (each kind about 80 times) and 80 duplicates: as strong a
    # check of convergence as 1,000 were, at 40 % of the time (each delivery is a round
    # trip to localstripe; the 1,000-event replay was the suite's slowest test at 50 s).
    events = [_event(*rng.choice(kinds)) for _ in range(400)]
    # The portal changed the subscription meanwhile: the webhooks must all converge on it.
    standin.upstream_call("POST", f"/v1/subscriptions/{sub_ref}", {"cancel_at_period_end": "true"})

    for event in events:  # in order
        assert _deliver(stripe_app, event).status_code == 200
    in_order = _mirror(stripe_app, tenant)
    assert in_order[6] is True  # the cancellation was read from Stripe

    # Forget everything and replay the chaos.
    with stripe_app.app_context(), platform_scope("test: reset the mirror"):
        db.session.execute(update(BillingAccount).values(cancel_at_period_end=False))
        db.session.query(BillingEvent).delete()
        db.session.commit()
    chaos = events + rng.sample(events, 80)
    rng.shuffle(chaos)
    outcomes = [_deliver(stripe_app, event).get_json()["outcome"] for event in chaos]
    assert outcomes.count("duplicate") == 80
    assert _mirror(stripe_app, tenant) == in_order
    with stripe_app.app_context(), platform_scope("test: every event recorded"):
        assert db.session.scalar(select(db.func.count()).select_from(BillingEvent)) == 400
        db.session.rollback()


def test_dunning_from_stripe_events_to_read_only_and_back(stripe_app, standin, app, moving_clock):
    """A declined renewal makes the subscription past due (localstripe does not renew, so
    the stand-in reports the declined invoice as Stripe would); the admins are told; after
    the grace period the workspace is read-only; paying restores it at once."""
    tenant = make_tenant(app, "dunning")
    client = _subscribe(stripe_app, standin, tenant)
    with stripe_app.app_context():
        account = _account(stripe_app, tenant)
        sub_ref, customer = account.subscription_ref, account.customer_ref
        db.session.rollback()
    invoice_ref = standin.upstream_call("GET", f"/v1/invoices?customer={customer}")["data"][0]["id"]
    standin.overrides[sub_ref] = {"status": "past_due", "latest_invoice": invoice_ref}
    # localstripe stamps its invoices with the real time; the renewal is declined "now" on
    # the one clock, which the suite may have started days away from the real date.
    issued = int(clock.now().timestamp())
    standin.overrides[invoice_ref] = {
        "status": "open",
        "amount_paid": 0,
        "amount_due": 1500,
        "created": issued,
        "status_transitions": {"finalized_at": issued},
    }
    try:
        failed = _event("invoice.payment_failed", {"id": invoice_ref, "customer": customer})
        assert _deliver(stripe_app, failed).get_json()["outcome"] == "handled"
        with stripe_app.app_context(), tenant_scope(tenant["id"]):
            from saas.mail import OutboxEmail

            subjects = db.session.scalars(select(OutboxEmail.subject)).all()
            assert any(s.startswith("Payment failed") for s in subjects), subjects
            db.session.rollback()
        assert "A payment failed" in client.get("/").get_data(as_text=True)
        assert client.post("/o/companies/new", data={"name": "Still ok"}).status_code == 303

        moving_clock.advance(days=8)  # the grace period is over
        refused = client.post("/o/companies/new", data={"name": "Blocked"})
        assert refused.status_code == 402 and "read-only" in refused.get_data(as_text=True)
        assert client.get("/o/companies").status_code == 200

        del standin.overrides[sub_ref], standin.overrides[invoice_ref]  # paid in the portal
        paid = _event("invoice.paid", {"id": invoice_ref, "customer": customer})
        assert _deliver(stripe_app, paid).status_code == 200
    finally:
        standin.overrides.clear()
    assert client.post("/o/companies/new", data={"name": "Allowed"}).status_code == 303


def test_what_a_webhook_changes_is_logged_as_the_payment_provider(stripe_app, standin, app):
    from saas.billing.services import WEBHOOK_ACTOR
    from saas.security_log.models import SecurityLogEntry

    tenant = make_tenant(app, "webhooklog")
    _subscribe(stripe_app, standin, tenant)
    with stripe_app.app_context():
        sub_ref = _account(stripe_app, tenant).subscription_ref
        db.session.rollback()
    standin.overrides[sub_ref] = {"status": "past_due"}
    try:
        event = _event("customer.subscription.updated", {"id": sub_ref})
        assert _deliver(stripe_app, event).get_json()["outcome"] == "handled"
    finally:
        standin.overrides.clear()
    with stripe_app.app_context(), tenant_scope(tenant["id"]):
        entry = db.session.scalars(
            select(SecurityLogEntry).order_by(SecurityLogEntry.seq.desc())
        ).first()
        assert (entry.event, entry.actor, entry.actor_id) == (
            "billing.status_changed",
            WEBHOOK_ACTOR,
            None,
        )
        assert entry.details["to"] == "past_due"
        db.session.rollback()
