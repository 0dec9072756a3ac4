"""Tokens, teams and rights, workspace settings, SLA targets, objects and fields, and
relationship types reach the security log, with who, from where and what changed."""

from __future__ import annotations

import datetime as dt

import pytest

from saas import clock
from saas.auth import api_tokens
from saas.auth.models import User
from saas.db import db
from tenants.scoping import tenant_scope
from tests.conftest import add_user, run_as_admin

UA = "pytest-agent/1.0"


@pytest.fixture
def admin_api(app, tenant):
    """Call the API as Acme's admin, from 10.9.8.7 with a User-Agent; returns the entries
    logged after the token's own creation."""
    raw = run_as_admin(
        app, tenant, lambda admin: api_tokens.create_api_token(user=admin, name="tests")[1]
    )
    api = app.test_client()

    def call(method: str, path: str, body=None, *, status: int = 200):
        response = api.open(
            f"/api/v1{path}",
            method=method,
            json=body,
            headers={"Authorization": f"Bearer {raw}", "User-Agent": UA},
            environ_base={"REMOTE_ADDR": "10.9.8.7"},
        )
        assert response.status_code == status, response.get_data(as_text=True)
        return response.get_json()

    return call


def _after_token(logged_events, tenant) -> list[dict]:
    events = logged_events(tenant)
    assert events[0]["event"] == "api_token.created"
    return events[1:]


def _one(events: list[dict], name: str) -> dict:
    found = [e for e in events if e["event"] == name]
    assert len(found) == 1, [e["event"] for e in events]
    return found[0]


def test_settings_changes_are_logged_before_and_after_with_who_and_where(
    app, tenant, admin_api, logged_events
):
    admin_api("PUT", "/settings/credit-check", {"mode": "block"})
    admin_api("PUT", "/settings/credit-check", {"mode": "block"})  # no change: no entry
    admin_api("PUT", "/settings/business-hours", {"timezone": "Europe/Paris"})
    admin_api("PUT", "/sla_targets/urgent", {"first_response_minutes": 15, "hours": "business"})
    admin_api(
        "PUT", "/navigation", {"roles": {"member": [{"object": "companies", "opens": "list"}]}}
    )
    events = _after_token(logged_events, tenant)
    assert [e["event"] for e in events] == [
        "settings.credit_check_changed",
        "settings.business_hours_changed",
        "settings.sla_target_changed",
        "settings.navigation_changed",
    ]
    credit = events[0]
    assert credit["actor"] == tenant["admin_email"] and credit["actor_id"] == tenant["admin_id"]
    assert credit["ip"] == "10.9.8.7" and credit["user_agent"] == UA
    assert credit["details"] == {"changes": {"credit_check": {"from": None, "to": "block"}}}
    hours = events[1]["details"]["changes"]["business_hours"]
    assert hours["from"] is None and hours["to"]["timezone"] == "Europe/Paris"
    sla = events[2]
    assert sla["target"] == "urgent priority"
    assert sla["details"]["changes"]["hours"] == {"from": "24x7", "to": "business"}
    assert sla["details"]["changes"]["first_response_minutes"]["to"] == 15
    assert set(sla["details"]["changes"]) == {"first_response_minutes", "hours"}
    navigation = events[3]
    assert navigation["target"] == "top bar of member"
    assert navigation["details"]["changes"]["navigation"] == {
        "from": None,
        "to": {"member": [{"object": "companies", "opens": "list"}]},
    }


def test_a_refused_change_leaves_no_entry(app, tenant, admin_api, logged_events):
    admin_api("PUT", "/settings/credit-check", {"mode": "sometimes"}, status=422)
    admin_api("PUT", "/sla_targets/urgent", {"first_response_minutes": 0}, status=422)
    assert _after_token(logged_events, tenant) == []


def test_sales_numbering_is_logged(app, tenant, logged_events):
    from core.orders.settings import save_sales_settings

    run_as_admin(app, tenant, lambda _admin: save_sales_settings({"quote_prefix": "QT"}))
    entry = logged_events(tenant)[-1]
    assert entry["event"] == "settings.sales_numbering_changed"
    assert entry["details"]["changes"]["quote_prefix"]["to"] == "QT"


def test_teams_and_rights_are_logged(app, tenant, admin_api, logged_events):
    member_id = add_user(app, tenant, email="member@acme.example.com")
    team = admin_api("POST", "/teams", {"name": "North"}, status=201)
    admin_api("PUT", f"/users/{member_id}/team", {"team_id": team["id"]})
    admin_api("PUT", f"/users/{member_id}/team", {"team_id": None})
    admin_api(
        "PUT",
        "/permissions/member/companies",
        {"delete": False, "visibility": "team", "fields": {"website": "hidden"}},
    )
    events = [e for e in _after_token(logged_events, tenant) if e["event"] != "user.created"]
    assert [(e["event"], e["target"]) for e in events] == [
        ("team.created", "North"),
        ("user.team_changed", "member@acme.example.com"),
        ("user.team_changed", "member@acme.example.com"),
        ("permissions.changed", "companies for member"),
        ("permissions.field_access_changed", "companies for member"),
    ]
    assert events[1]["details"] == {"from": None, "to": "North"}
    assert events[2]["details"] == {"from": "North", "to": None}
    assert events[3]["details"] == {
        "changes": {
            "delete": {"from": True, "to": False},
            "visibility": {"from": "all", "to": "team"},
        }
    }
    assert events[4]["details"] == {"changes": {"website": {"from": "editable", "to": "hidden"}}}


def test_objects_and_fields_are_logged(app, tenant, admin_api, logged_events):
    admin_api("POST", "/schema/objects", {"name": "vehicle", "label": "Vehicle"}, status=201)
    admin_api(
        "POST",
        "/schema/objects/companies/fields",
        {"name": "tier", "label": "Tier", "type": "text"},
        status=201,
    )
    admin_api(
        "POST",
        "/schema/objects/companies/fields",
        {"name": "headcount", "label": "Headcount", "type": "number"},
        status=201,
    )
    admin_api("PATCH", "/schema/objects/companies/fields/tier", {"label": "Customer tier"})
    admin_api("PUT", "/schema/objects/companies/fields/order", {"order": ["headcount", "tier"]})
    admin_api("DELETE", "/schema/objects/companies/fields/headcount", status=204)
    events = _after_token(logged_events, tenant)
    assert [(e["event"], e["target"]) for e in events] == [
        ("schema.object_created", "vehicle"),
        ("schema.field_added", "companies.tier"),
        ("schema.field_added", "companies.headcount"),
        ("schema.field_changed", "companies.tier"),
        ("schema.fields_reordered", "companies"),
        ("schema.field_retired", "companies.headcount"),
    ]
    assert events[0]["details"]["label"] == "Vehicle"
    assert events[1]["details"]["type"] == "text"
    assert events[3]["details"] == {"changes": {"label": {"from": "Tier", "to": "Customer tier"}}}
    assert events[4]["details"] == {"from": ["tier", "headcount"], "to": ["headcount", "tier"]}
    assert all(e["actor"] == tenant["admin_email"] for e in events)


def test_relationship_types_are_logged(app, tenant, admin_api, logged_events):
    created = admin_api(
        "POST",
        "/relationship_types",
        {"name": "Reseller", "forward_label": "resells for", "reverse_label": "sold by"},
        status=201,
    )
    admin_api("PATCH", f"/relationship_types/{created['id']}", {"name": "Partner"})
    admin_api("DELETE", f"/relationship_types/{created['id']}", status=204)
    events = _after_token(logged_events, tenant)
    assert [(e["event"], e["target"]) for e in events] == [
        ("settings.relationship_type_created", "Reseller"),
        ("settings.relationship_type_changed", "Partner"),
        ("settings.relationship_type_deleted", "Partner"),
    ]
    assert events[1]["details"] == {"changes": {"name": {"from": "Reseller", "to": "Partner"}}}


def test_tokens_created_revoked_and_an_expired_use_are_logged(app, tenant, client, logged_events):
    start = dt.datetime(2027, 3, 10, 9, 0, tzinfo=dt.UTC)
    with clock.travel(start):
        response = client.post(
            "/settings/tokens/",
            data={"name": "ERP sync", "scope": "read_only", "expires": "7"},
            headers={"User-Agent": UA},
        )
        assert response.status_code == 303
        raw = client.get("/settings/tokens/").get_data(as_text=True).split('value="trl_')[1]
        raw = "trl_" + raw.split('"')[0]
        clock.advance(dt.timedelta(days=8))
        api = app.test_client()
        for _ in range(3):  # one entry a day, however often the script retries
            answer = api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})
            assert answer.status_code == 401
        clock.advance(dt.timedelta(days=1, minutes=1))
        assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
    events = [e for e in logged_events(tenant) if e["event"].startswith("api_token.")]
    assert [e["event"] for e in events] == [
        "api_token.created",
        "api_token.expired_refused",
        "api_token.expired_refused",
    ]
    created = events[0]
    assert created["target"].startswith("ERP sync trl_…")
    assert created["target"].endswith(f"of {tenant['admin_email']}")
    assert created["details"]["scope"] == "read_only"
    assert created["details"]["expires_at"].startswith("2027-03-17T09:00")
    assert created["user_agent"] == UA
    assert events[1]["actor"] == tenant["admin_email"]

    with app.app_context(), tenant_scope(tenant["id"]):
        admin = db.session.get(User, (tenant["id"], tenant["admin_id"]))
        token = api_tokens.list_api_tokens(user=admin)[0]
        token_id = token.id

    def revoke_twice(admin):
        api_tokens.revoke_any_api_token(actor=admin, token_id=token_id)
        api_tokens.revoke_any_api_token(actor=admin, token_id=token_id)  # already: no entry

    run_as_admin(app, tenant, revoke_twice)
    revoked = logged_events(tenant)[-1]
    assert revoked["event"] == "api_token.revoked"
    assert revoked["actor"] == tenant["admin_email"]
    assert revoked["details"] == {"token_id": str(token_id)}
