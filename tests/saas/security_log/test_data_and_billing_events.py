"""CSV exports, recycle-bin purges and billing changes reach the security log."""

from __future__ import annotations

import datetime as dt

from saas import clock
from tests.conftest import run_as_admin


def test_a_csv_export_is_logged_with_who_what_and_how_many_rows(app, tenant, client, logged_events):
    for name in ("Initech", "Globex"):
        assert client.post("/o/companies/new", data={"name": name}).status_code == 303
    response = client.get(
        "/o/companies/export.csv?f=name&op=contains&v=tech", headers={"User-Agent": "Firefox/140"}
    )
    assert response.status_code == 200
    entry = logged_events(tenant)[-1]
    assert entry["event"] == "data.exported"
    assert entry["actor"] == tenant["admin_email"] and entry["target"] == "companies"
    assert entry["user_agent"] == "Firefox/140"
    assert entry["details"]["rows"] == 1
    assert entry["details"]["filters"] == ["name contains tech"]
    assert entry["details"]["format"] == "csv"


def test_a_refused_export_is_not_logged(app, tenant, client, logged_events):
    before = logged_events(tenant)
    assert client.get("/o/companies/export.csv?f=nope&op=eq&v=x").status_code in (400, 422)
    assert logged_events(tenant) == before


def test_a_purge_is_logged_by_the_system_and_a_dry_run_is_not(app, tenant, logged_events):
    from core.objects.purge import purge_tenant
    from core.objects.records import create_record, delete_record

    def create_and_delete(admin):
        record = create_record("companies", {"name": "Gone Ltd"}, actor=admin)
        delete_record("companies", record.id, actor=admin)

    run_as_admin(app, tenant, create_and_delete)
    later = clock.now() + dt.timedelta(days=31)
    with app.app_context():
        purge_tenant(tenant["id"], dry_run=True, now=later)
    assert not [e for e in logged_events(tenant) if e["event"] == "data.purged"]
    with app.app_context():
        purge_tenant(tenant["id"], now=later)
    purged = [e for e in logged_events(tenant) if e["event"] == "data.purged"]
    assert len(purged) == 1
    assert purged[0]["actor"] == "system" and purged[0]["target"] == "companies"
    assert purged[0]["details"]["purged"] == {"companies": 1}


def test_checkout_plan_change_and_cancellation_are_logged(app, tenant, client, logged_events):
    start = client.post("/admin/billing/checkout", data={"plan": "pro", "interval": "year"})
    assert start.status_code == 303
    client.get(start.headers["Location"], follow_redirects=True)
    assert client.post("/admin/billing/cancel").status_code == 303
    assert client.post("/admin/billing/resume").status_code == 303
    changed = client.post("/admin/billing/plan", data={"plan": "starter", "interval": "month"})
    assert changed.status_code == 303
    events = [e for e in logged_events(tenant) if e["event"].startswith("billing.")]
    names = [e["event"] for e in events]
    assert names[0] == "billing.checkout_started"
    assert events[0]["details"] == {"plan": "pro", "interval": "year"}
    assert "billing.cancellation_scheduled" in names and "billing.cancellation_withdrawn" in names
    assert names.index("billing.cancellation_scheduled") < names.index(
        "billing.cancellation_withdrawn"
    )
    plan_changes = [e["details"] for e in events if e["event"] == "billing.plan_changed"]
    assert plan_changes[-1] == {"from": "pro (year)", "to": "starter (month)"}
    assert all(e["actor"] == tenant["admin_email"] for e in events)
