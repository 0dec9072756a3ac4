"""The whole billing life cycle on the embedded default (the offline backend): sign-up,
trial, checkout, seats, dunning to read-only and back, and the seat limit on invitation."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from saas.auth import api_tokens
from saas.auth.models import User
from saas.billing.models import BillingInvoice, OperatorAuditEntry
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import add_user, make_tenant
from tests.saas.billing.conftest import account_of, emails_to

pytestmark = pytest.mark.time_sensitive


def _token(app, tenant, email) -> dict:
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.scalar(select(User).where(User.email == email))
        _, raw = api_tokens.create_api_token(user=user, name="billing")
        db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _billing(app, tenant, headers) -> dict:
    response = app.test_client().get("/api/v1/billing", headers=headers, base_url=tenant["host"])
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def _checkout(client, plan="starter", interval="month"):
    response = client.post("/admin/billing/checkout", data={"plan": plan, "interval": interval})
    assert response.status_code == 303, response.get_data(as_text=True)
    return client.get(response.headers["Location"], follow_redirects=True)


def test_signup_starts_a_trial_of_the_paid_plan_without_a_card(app, tenant, moving_clock):
    headers = _token(app, tenant, tenant["admin_email"])
    body = _billing(app, tenant, headers)
    assert body["status"] == "trialing" and body["plan"] == "pro"
    assert body["seats_used"] == 1 and body["seats_paid"] == 0
    assert body["trial_ends_at"] is not None and "sso" in body["features"]


def test_billing_api_is_for_admins_only(app, tenant):
    add_user(app, tenant, email="max@acme.example.com", role="member")
    headers = _token(app, tenant, "max@acme.example.com")
    response = app.test_client().get("/api/v1/billing", headers=headers, base_url=tenant["host"])
    assert response.status_code == 403
    assert app.test_client().get("/api/v1/billing", base_url=tenant["host"]).status_code == 401


def test_trial_ending_with_too_many_users_is_read_only_until_seats_fit_free(
    app, tenant, client, moving_clock
):
    for name in ("ann", "bob"):
        add_user(app, tenant, email=f"{name}@acme.example.com", role="member")
    add_user(app, tenant, email="vic@acme.example.com", role="viewer")
    moving_clock.advance(days=15)
    headers = _token(app, tenant, tenant["admin_email"])
    body = _billing(app, tenant, headers)
    assert body["status"] == "read_only" and body["plan"] == "free"
    assert body["seats_used"] == 3 and body["seat_limit"] == 2  # the viewer is free

    refused = client.post("/o/companies/new", data={"name": "Zed"})
    assert refused.status_code == 402
    assert "read-only" in refused.get_data(as_text=True)
    api = app.test_client().post(
        "/api/v1/objects/companies", json={"name": "Zed"}, headers=headers,
        base_url=tenant["host"],
    )  # fmt: skip
    assert api.status_code == 402 and api.get_json()["error"] == "read_only"
    assert client.get("/o/contacts").status_code == 200  # reading still works
    assert "read-only" in client.get("/").get_data(as_text=True)  # and the banner says why

    with app.app_context(), tenant_scope(tenant["id"]):
        bob = db.session.scalar(select(User).where(User.email == "bob@acme.example.com")).id
        db.session.rollback()
    assert client.post(f"/admin/users/{bob}/deactivate").status_code == 303
    assert _billing(app, tenant, headers)["status"] == "active"
    created = client.post("/o/companies/new", data={"name": "Zed"})
    assert created.status_code == 303, created.get_data(as_text=True)


def test_checkout_then_seats_follow_users_with_the_price_confirmed(
    app, tenant, client, moving_clock
):
    moving_clock.advance(days=15)  # the trial is over: seats are charged from now on
    page = _checkout(client)
    assert page.status_code == 200
    account = account_of(app, tenant)
    assert account["provider_status"] == "active" and account["seats_paid"] == 1
    assert account["plan"] == "starter" and account["unit_amount"] == 1500

    invite = {"name": "Ann", "email": "ann@acme.example.com", "role": "member"}
    asked = client.post("/admin/users/invite", data=invite)
    assert asked.status_code == 409
    text = asked.get_data(as_text=True)
    assert "adds a seat at $15.00 per month" in text and "today for the rest" in text
    assert account_of(app, tenant)["seats_used"] == 1  # nothing written yet

    confirmed = client.post("/admin/users/invite", data={**invite, "add_seat": "yes"})
    assert confirmed.status_code == 303
    account = account_of(app, tenant)
    assert account["seats_used"] == 2 and account["seats_paid"] == 2  # the job ran

    viewer = {"name": "Vic", "email": "vic@acme.example.com", "role": "viewer"}
    assert client.post("/admin/users/invite", data=viewer).status_code == 303
    assert account_of(app, tenant)["seats_paid"] == 2  # viewers are free

    with app.app_context(), tenant_scope(tenant["id"]):
        ann = db.session.scalar(select(User).where(User.email == "ann@acme.example.com")).id
        db.session.rollback()
    assert client.post(f"/admin/users/{ann}/role", data={"role": "viewer"}).status_code == 303
    assert account_of(app, tenant)["seats_paid"] == 1

    page = client.get("/admin/billing/").get_data(as_text=True)
    assert "Starter plan" in page and "OFF-0001" in page


def test_payment_failure_then_grace_then_read_only_then_paid_restores(
    app, tenant, client, moving_clock
):
    moving_clock.advance(days=15)
    _checkout(client)
    result = app.test_cli_runner().invoke(
        args=["billing", "simulate-payment-failure", "--tenant", "acme"]
    )
    assert result.exit_code == 0, result.output
    headers = _token(app, tenant, tenant["admin_email"])
    assert _billing(app, tenant, headers)["status"] == "past_due"
    assert emails_to(app, tenant, "Payment failed") == [tenant["admin_email"]]
    assert "A payment failed" in client.get("/").get_data(as_text=True)
    assert client.post("/o/companies/new", data={"name": "Ok"}).status_code == 303

    moving_clock.advance(days=8)  # past the 7-day grace period
    body = _billing(app, tenant, headers)
    assert body["status"] == "read_only" and body["read_only_reason"] == "payment_failed"
    refused = client.post("/o/companies/new", data={"name": "No"})
    assert refused.status_code == 402
    assert client.get("/o/contacts").status_code == 200
    export = client.get("/o/companies/export.csv")  # taking the data out still works
    assert export.status_code == 200 and "Ok" in export.get_data(as_text=True)
    api_export = app.test_client().get("/api/v1/objects/companies/export.csv", headers=headers)
    assert api_export.status_code == 200

    assert client.post("/admin/billing/pay").status_code == 303
    assert _billing(app, tenant, headers)["status"] == "active"
    assert client.post("/o/companies/new", data={"name": "Yes"}).status_code == 303
    with app.app_context(), tenant_scope(tenant["id"]):
        statuses = db.session.scalars(select(BillingInvoice.status)).all()
        assert "open" not in statuses
        db.session.rollback()


def test_free_plan_seat_limit_on_invitation_offers_a_viewer(app, client, moving_clock):
    moving_clock.advance(days=15)  # trial over: the Free plan's 2 editing users apply
    acme = client.tenant
    add_user(app, acme, email="ann@acme.example.com", role="member")
    refused = client.post(
        "/admin/users/invite",
        data={"name": "Bob", "email": "bob@acme.example.com", "role": "member"},
    )
    assert refused.status_code == 422
    text = refused.get_data(as_text=True)
    assert "Free plan includes 2 users" in text and "viewer" in text
    ok = client.post(
        "/admin/users/invite",
        data={"name": "Bob", "email": "bob@acme.example.com", "role": "viewer"},
    )
    assert ok.status_code == 303


def test_cancel_at_period_end_and_resume(app, tenant, client, moving_clock):
    _checkout(client, plan="pro", interval="year")
    assert client.post("/admin/billing/cancel").status_code == 303
    assert account_of(app, tenant)["cancel_at_period_end"] is True
    assert client.post("/admin/billing/resume").status_code == 303
    assert account_of(app, tenant)["cancel_at_period_end"] is False
    assert client.post("/admin/billing/resume").status_code == 409  # already running
    changed = client.post("/admin/billing/plan", data={"plan": "starter", "interval": "month"})
    assert changed.status_code == 303
    assert account_of(app, tenant)["plan"] == "starter"
    bad = client.post("/admin/billing/plan", data={"plan": "gold", "interval": "month"})
    assert bad.status_code == 422


def test_operator_console_lists_plan_seats_status_and_mrr(app, tenant, client):
    make_tenant(app, "globex")
    _checkout(client, plan="starter", interval="month")
    app.config["TRELLIS_OPERATOR_TOKEN"] = "operator-secret-token"
    try:
        console = app.test_client()
        assert console.get("/operator/").status_code == 303
        wrong = console.post("/operator/sign-in", data={"token": "nope"})
        assert wrong.status_code == 422
        signed_in = console.post("/operator/sign-in", data={"token": "operator-secret-token"})
        assert signed_in.status_code == 303
        page = console.get("/operator/").get_data(as_text=True)
        assert "Acme Corp" in page and "Globex Ltd" in page and "Starter" in page
        # Acme's trial of Pro continues in a paid Starter subscription: MRR counts it only
        # once the trial is over.
        assert "Free trial" in page  # the status, as the billing page names it
        bearer = {"Authorization": "Bearer operator-secret-token"}
        assert app.test_client().get("/operator/", headers=bearer).status_code == 200
        on_tenant_host = app.test_client().get("/operator/", base_url=tenant["host"])
        assert on_tenant_host.status_code == 404
        with app.app_context():
            actions = db.session.scalars(select(OperatorAuditEntry.action)).all()
            assert sorted(actions) == ["sign_in", "sign_in_failed"]
            db.session.rollback()
    finally:
        app.config["TRELLIS_OPERATOR_TOKEN"] = None
    assert app.test_client().get("/operator/").status_code == 404


def test_a_viewer_is_free_reads_and_changes_nothing(app, tenant, login_as):
    add_user(app, tenant, email="vic@acme.example.com", role="viewer", password="viewer pass 1")
    viewer = login_as(tenant, "vic@acme.example.com", "viewer pass 1")
    assert viewer.get("/o/companies").status_code == 200
    page = viewer.get("/o/companies").get_data(as_text=True)
    assert "New company" not in page
    assert viewer.post("/o/companies/new", data={"name": "Nope"}).status_code == 403
    assert account_of(app, tenant)["seats_used"] == 1
