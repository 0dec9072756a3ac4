"""What the plan sells is what the workspace gets: each feature a plan may leave out is
refused, with a message naming the plan and how to upgrade, on a plan without it, and
works on a plan with it (the trial of Pro included)."""

from __future__ import annotations

import copy
import re

import pytest
from sqlalchemy import select

from saas.auth import api_tokens
from saas.auth.models import User
from saas.billing.plans import DEFAULT_PLANS
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import TenantClient
from tests.saas.auth.test_sso import make_provider, oidc, op  # noqa: F401  (fixtures)

pytestmark = pytest.mark.time_sensitive


def _token(app, tenant) -> dict:
    with app.app_context(), tenant_scope(tenant["id"]):
        user = db.session.scalar(select(User).where(User.email == tenant["admin_email"]))
        _, raw = api_tokens.create_api_token(user=user, name="features")
        db.session.commit()
    return {"Authorization": f"Bearer {raw}"}


def _checkout(client, plan="starter"):
    response = client.post("/admin/billing/checkout", data={"plan": plan, "interval": "month"})
    assert response.status_code == 303, response.get_data(as_text=True)
    client.get(response.headers["Location"], follow_redirects=True)


def _change_plan(client, plan):
    response = client.post("/admin/billing/plan", data={"plan": plan, "interval": "month"})
    assert response.status_code == 303, response.get_data(as_text=True)


# The REST API ------------------------------------------------------------------------------


def test_free_has_no_rest_api_but_says_why(app, tenant, client, moving_clock):
    headers = _token(app, tenant)
    api = app.test_client()
    assert api.get("/api/v1/objects/companies", headers=headers).status_code == 200  # trial
    moving_clock.advance(days=15)  # the trial is over: Free
    refused = api.get("/api/v1/objects/companies", headers=headers)
    assert refused.status_code == 402
    body = refused.get_json()
    assert body["error"] == "not_in_plan"
    assert body["message"] == (
        "REST API is not included in the Free plan. It comes with Starter and Pro: an admin "
        "can choose a plan on the Billing page."
    )
    write = api.post("/api/v1/objects/companies", json={"name": "Zed"}, headers=headers)
    assert write.status_code == 402 and write.get_json()["error"] == "not_in_plan"
    # Who the token is and the plan itself still answer, so a script can tell why.
    assert api.get("/api/v1/me", headers=headers).status_code == 200
    billing = api.get("/api/v1/billing", headers=headers)
    assert billing.status_code == 200 and billing.get_json()["plan"] == "free"
    # The tokens page says so too.
    page = client.get("/settings/tokens/").get_data(as_text=True)
    assert "REST API is not included in the Free plan" in page

    _checkout(client, "starter")
    assert api.get("/api/v1/objects/companies", headers=headers).status_code == 200


# A plan with the API but without custom objects, campaigns or SSO --------------------------


def _basic_plans() -> dict:
    """The defaults plus "Basic": the API, nothing else beyond Free."""
    plans = copy.deepcopy(DEFAULT_PLANS)
    every = [f for f in plans["free"]["features"]]
    basic = {
        "name": "Basic",
        "max_seats": 3,
        "prices": {"month": 900, "year": 9000},
        "features": [*every, "api"],
        "api_requests_per_minute": 100,
    }
    return {
        "free": plans["free"],
        "basic": basic,
        **{k: v for k, v in plans.items() if k != "free"},
    }


@pytest.fixture
def on_basic(app, tenant, client, moving_clock, monkeypatch):
    """Acme made a custom object, a record of it and a campaign in its trial, then chose
    Basic."""
    monkeypatch.setitem(app.config, "BILLING_PLANS", _basic_plans())
    headers = _token(app, tenant)
    api = app.test_client()
    made = api.post(
        "/api/v1/schema/objects",
        json={"name": "vehicles", "label": "Vehicle"},
        headers=headers,
    )
    assert made.status_code == 201, made.get_data(as_text=True)
    van = api.post("/api/v1/objects/vehicles", json={"name": "Van"}, headers=headers)
    assert van.status_code == 201, van.get_data(as_text=True)
    fair = api.post(
        "/api/v1/objects/campaigns", json={"name": "Spring fair", "type": "event"}, headers=headers
    )
    assert fair.status_code == 201, fair.get_data(as_text=True)
    moving_clock.advance(days=15)
    _checkout(client, "basic")
    return {"headers": headers, "van": van.get_json(), "fair": fair.get_json()}


def _refused(response, label: str, plan: str = "Basic"):
    assert response.status_code == 402, response.get_data(as_text=True)
    if response.is_json:
        body = response.get_json()
        assert body["error"] == "not_in_plan"
        text = body["message"]
    else:
        text = response.get_data(as_text=True)
    assert f"{label} are not included in the {plan} plan." in text
    assert "Billing page" in text
    return text


def test_custom_objects_need_a_plan_with_them(app, tenant, client, on_basic):
    api, headers = app.test_client(), on_basic["headers"]
    text = _refused(
        api.post(
            "/api/v1/schema/objects", json={"name": "boats", "label": "Boat"}, headers=headers
        ),
        "Custom objects",
    )
    assert "It comes with Starter and Pro" in text
    _refused(api.post("/api/v1/objects/vehicles", json={"name": "Car"}, headers=headers),
             "Custom objects")  # fmt: skip
    van = on_basic["van"]["id"]
    _refused(api.patch(f"/api/v1/objects/vehicles/{van}", json={"name": "Bus"}, headers=headers),
             "Custom objects")  # fmt: skip
    _refused(api.delete(f"/api/v1/objects/vehicles/{van}", headers=headers), "Custom objects")
    _refused(
        api.post(
            "/api/v1/schema/objects/vehicles/fields",
            json={"name": "plate", "label": "Plate", "type": "text"},
            headers=headers,
        ),
        "Custom objects",
    )
    # What was made stays readable and exportable.
    read = api.get(f"/api/v1/objects/vehicles/{van}", headers=headers)
    assert read.status_code == 200 and read.get_json()["name"] == "Van"
    assert api.get("/api/v1/objects/vehicles/export.csv", headers=headers).status_code == 200
    # The web UI says so and refuses too.
    page = client.get("/admin/objects").get_data(as_text=True)
    assert "Custom objects are not included in the Basic plan." in page
    _refused(client.post("/admin/objects", data={"name": "boats", "label": "Boat"}),
             "Custom objects")  # fmt: skip
    listing = client.get("/o/vehicles").get_data(as_text=True)
    assert "Custom objects are not included in the Basic plan." in listing
    assert "New vehicle" not in listing and "Van" in listing
    _refused(client.post("/o/vehicles/new", data={"name": "Car"}), "Custom objects")
    # Custom fields on standard objects are not custom objects: every plan has them.
    field = api.post(
        "/api/v1/schema/objects/companies/fields",
        json={"name": "region", "label": "Region", "type": "text"},
        headers=headers,
    )
    assert field.status_code == 201, field.get_data(as_text=True)


def test_campaigns_need_a_plan_with_them(app, tenant, client, on_basic):
    api, headers = app.test_client(), on_basic["headers"]
    _refused(api.post("/api/v1/objects/campaigns", json={"name": "Autumn"}, headers=headers),
             "Campaigns")  # fmt: skip
    fair = on_basic["fair"]["id"]
    _refused(api.patch(f"/api/v1/objects/campaigns/{fair}", json={"name": "X"}, headers=headers),
             "Campaigns")  # fmt: skip
    assert api.get(f"/api/v1/objects/campaigns/{fair}", headers=headers).status_code == 200
    listing = client.get("/o/campaigns").get_data(as_text=True)
    assert "Campaigns are not included in the Basic plan." in listing
    # What Basic includes keeps working.
    ok = api.post("/api/v1/objects/companies", json={"name": "Zed"}, headers=headers)
    assert ok.status_code == 201
    assert (
        api.post("/api/v1/objects/tickets", json={"subject": "Help"}, headers=headers).status_code
        == 201
    )


def test_a_paid_plans_seat_limit_applies(app, tenant, client, on_basic):
    for name in ("ann", "bob"):
        invited = client.post(
            "/admin/users/invite",
            data={"name": name, "email": f"{name}@acme.example.com", "role": "member",
                  "add_seat": "yes"},
        )  # fmt: skip
        assert invited.status_code == 303, invited.get_data(as_text=True)
    refused = client.post(
        "/admin/users/invite",
        data={"name": "Cy", "email": "cy@acme.example.com", "role": "member", "add_seat": "yes"},
    )
    assert refused.status_code == 422  # the invitation form, with the reason on the role
    assert "The Basic plan includes 3 users with an editing role" in refused.get_data(as_text=True)
    viewer = client.post(
        "/admin/users/invite",
        data={"name": "Vi", "email": "vi@acme.example.com", "role": "viewer"},
    )
    assert viewer.status_code == 303  # viewers are free on every plan


def test_no_plan_or_pro_takes_everything(app, tenant, client, moving_clock):
    """Conversely: the trial (of Pro) and Pro block nothing they include."""
    headers = _token(app, tenant)
    api = app.test_client()
    made = api.post("/api/v1/schema/objects", json={"name": "boats", "label": "Boat"},
                    headers=headers)  # fmt: skip
    assert made.status_code == 201
    assert (
        api.post("/api/v1/objects/boats", json={"name": "Sea"}, headers=headers).status_code == 201
    )
    moving_clock.advance(days=15)
    _checkout(client, "pro")
    assert (
        api.post("/api/v1/objects/boats", json={"name": "Sky"}, headers=headers).status_code == 201
    )
    camp = api.post("/api/v1/objects/campaigns", json={"name": "A"}, headers=headers)
    assert camp.status_code == 201
    for path in ("/admin/objects", "/admin/sso/", "/o/boats", "/o/campaigns", "/settings/tokens/"):
        assert 'data-testid="plan-notice"' not in client.get(path).get_data(as_text=True), path


# Single sign-on ----------------------------------------------------------------------------


def test_single_sign_on_needs_pro(app, tenant, client, op, moving_clock):  # noqa: F811
    provider_id = make_provider(app, tenant, op)  # in the trial of Pro
    visitor = TenantClient(app, tenant)
    assert visitor.get(f"/auth/sso/{provider_id}/start").status_code == 303
    moving_clock.advance(days=15)
    _checkout(client, "starter")

    login = visitor.get("/login").get_data(as_text=True)
    assert "Sign in with Acme ID" not in login
    assert "single sign-on is not included in the Starter plan" in login
    assert "Forgot your password?" in login
    started = visitor.get(f"/auth/sso/{provider_id}/start")
    assert started.status_code == 402
    assert "Single sign-on is not included in the Starter plan." in started.get_data(as_text=True)

    admin_page = client.get("/admin/sso/").get_data(as_text=True)
    assert "Single sign-on is not included in the Starter plan. It comes with Pro" in admin_page
    values = {"name": "Other ID", "issuer": op.issuer, "client_id": "x", "client_secret": "y"}
    refused = client.post("/admin/sso/", data={**values, "enabled": "y"})
    assert refused.status_code == 422
    assert "Single sign-on is not included in the Starter plan." in refused.get_data(as_text=True)
    assert client.post("/admin/sso/", data=values).status_code == 303  # saved disabled

    _change_plan(client, "pro")
    assert "Sign in with Acme ID" in visitor.get("/login").get_data(as_text=True)
    assert visitor.get(f"/auth/sso/{provider_id}/start").status_code == 303


# Configured plans --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"features": ["contacts", "custom_object"]}, "unknown features ['custom_object']"),
        (
            {"features": ["contacts", "companies", "api"]},
            "every plan includes contacts, companies, deals, leads, activities, tickets, "
            "sales (they cannot be switched off); add deals, leads, activities, tickets, sales",
        ),
    ],
)
def test_a_configured_plan_cannot_sell_what_trellis_cannot_give(change, message):
    from saas.billing.plans import _build

    plans = copy.deepcopy(DEFAULT_PLANS)
    plans["starter"].update(change)
    with pytest.raises(ValueError, match=re.escape(message)):
        _build(plans)
